import Foundation
import Stats
import XCTest

/// The export read back with the project's own Prometheus text parser: valid, complete, aggregatable, no float noise.
final class PrometheusExportTests: XCTestCase {
    func summary(failAll: Bool) -> RunSummary {
        var a = Aggregate()
        for i in 0..<30 {
            let gaps = (0..<9).map { UInt64(12_000 + ($0 * 37 + i * 11) % 3_000) }
            let ttft = UInt64(40_000 + i * 1_000)
            let r = failAll
                ? RequestRecord(sequence: i, vu: 0, adapter: "org/a", cold: false, intendedMicros: 0, sentMicros: 0, endMicros: 2_000,
                                inputWords: 10, maxNewTokens: 10, status: 503, errorClass: .http)
                : RequestRecord(sequence: i, vu: i % 3, adapter: i % 2 == 0 ? "org/a" : "", cold: i < 2, intendedMicros: 0,
                                sentMicros: 100, firstTokenMicros: 100 + ttft, endMicros: 100 + ttft + gaps.reduce(0, +),
                                tokenGapsMicros: gaps, tokenEvents: 10, outputTokens: 10, outputTokensSource: .server,
                                inputWords: 10, inputTokens: 13, maxNewTokens: 10, status: 200)
            a.add(r, slo: SLO())
        }
        let run = RunSummary.Run(scenarioName: "night \"1\"", executor: "constant-vus", target: "http://x", api: "lorax",
                                 lorabenchVersion: "9.9.9", host: "t", startedAt: "2026-01-02T03:04:05.678Z",
                                 endedAt: "2026-01-02T03:04:15.678Z", windowSeconds: 10, interrupted: false, requestedRate: nil)
        return RunSummary(run: run, scenario: .object([:]), slo: SLO(), aggregate: a)
    }

    func check(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> PromExposition {
        let p = PrometheusText.parse(text)
        XCTAssertEqual(p.badLines, 0, "\(String(describing: p.firstBadLine))", file: file, line: line)
        XCTAssertFalse(p.truncated, file: file, line: line)
        for family in p.types.keys { XCTAssertTrue(text.contains("# HELP \(family) "), family, file: file, line: line) }
        // No binary float noise: no value carries more than 15 significant digits (noise shows at the 17th).
        for l in text.split(separator: "\n") where !l.hasPrefix("#") {
            let value = l.split(separator: " ").last.map(String.init) ?? ""
            XCTAssertLessThanOrEqual(value.filter(\.isNumber).count, 16, String(l), file: file, line: line)
        }
        return p
    }

    func samples(_ p: PromExposition, _ name: String) -> [PromSample] { p.samples.filter { $0.name == name } }

    func testHistogramsAreCumulativeAndAgreeWithTheRun() throws {
        let s = summary(failAll: false)
        let text = PrometheusExport.render(s)
        let p = check(text)
        XCTAssertEqual(p.types["lorabench_ttft_seconds"], .histogram)
        XCTAssertEqual(p.types["lorabench_tpot_percentile_seconds"], .gauge)
        for family in ["lorabench_ttft_seconds", "lorabench_tpot_seconds", "lorabench_itl_seconds", "lorabench_e2e_seconds"] {
            let buckets = samples(p, family + "_bucket")
            XCTAssertEqual(buckets.count, PrometheusExport.bucketBounds.count + 1)
            XCTAssertEqual(buckets.map(\.value), buckets.map(\.value).sorted(), "\(family) buckets are cumulative")
            XCTAssertEqual(buckets.last?.label("le"), "+Inf")
            XCTAssertEqual(buckets.last?.value, samples(p, family + "_count").first?.value)
        }
        XCTAssertEqual(samples(p, "lorabench_itl_seconds_count").first?.value, 270, "30 requests × 9 gaps")
        // 12.0 .. 15.0 ms gaps: none at or under 10 ms, all under 20 ms.
        let itl = samples(p, "lorabench_itl_seconds_bucket")
        XCTAssertEqual(itl.first { $0.label("le") == "0.01" }?.value, 0)
        XCTAssertEqual(itl.first { $0.label("le") == "0.02" }?.value, 270)
        let sum = try XCTUnwrap(samples(p, "lorabench_itl_seconds_sum").first?.value)
        XCTAssertEqual(sum / 270, (s.metrics["itl"]?.mean ?? 0) / 1000, accuracy: 0.0001)
        XCTAssertEqual(samples(p, "lorabench_output_tokens_total").first?.value, 300)
        let info = try XCTUnwrap(samples(p, "lorabench_run_info").first)
        XCTAssertEqual(info.value, 1)
        XCTAssertEqual(info.label("version"), "9.9.9")
        XCTAssertEqual(info.label("scenario"), "night \"1\"")
        XCTAssertEqual(samples(p, "lorabench_run_start_timestamp_seconds").first?.value, 1_767_323_045.678)
        XCTAssertEqual(Set(samples(p, "lorabench_adapter_ttft_seconds_count").compactMap { $0.label("adapter") }), ["", "org/a"])
        XCTAssertTrue(text.contains("lorabench_ttft_percentile_seconds{scenario=\"night \\\"1\\\"\",percentile=\"50\"} 0.054015\n"), text)
    }

    func testAnAllFailedRunStillWritesEveryFamily() {
        let good = check(PrometheusExport.render(summary(failAll: false)))
        let failed = check(PrometheusExport.render(summary(failAll: true)))
        XCTAssertEqual(Set(failed.types.keys), Set(good.types.keys), "a push of the failed night replaces every family")
        XCTAssertEqual(samples(failed, "lorabench_ttft_seconds_count").first?.value, 0)
        XCTAssertEqual(samples(failed, "lorabench_ttft_seconds_bucket").last?.value, 0)
        let q = samples(failed, "lorabench_ttft_percentile_seconds")
        XCTAssertEqual(q.count, 5)
        XCTAssertTrue(q.allSatisfy { $0.value.isNaN }, "no samples: NaN (a gap), never 0 (an improvement)")
        XCTAssertEqual(samples(failed, "lorabench_error_ratio").first?.value, 1)
        XCTAssertEqual(samples(failed, "lorabench_output_tokens_total").first?.value, 0)
    }
}
