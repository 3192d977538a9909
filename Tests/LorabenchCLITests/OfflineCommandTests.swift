import ArgumentParser
import Foundation
@testable import LorabenchCLI
import Stats
import XCTest

/// report, compare and merge work from saved files alone.
final class OfflineCommandTests: XCTestCase {
    /// Two short runs against the embedded simulator, the second with a slower decode step.
    func twoRuns() async throws -> (String, String) {
        var dirs: [String] = []
        for decode in [2, 12] {
            let path = try writeTempScenario("""
            {"name":"off","target":{"simulator":{"profile":"fast","decode_base_ms":\(decode)}},"concurrency":3,"duration":"1s",
             "input_words":{"min":5,"max":8},"max_new_tokens":{"min":8,"max":8},"health":{"interval":"50ms","timeout":"5s"},
             "thresholds":{"error_rate":"< 0.5"}}
            """)
            let out = SimHarness.tempDir()
            let code = await RunCommand.execute(scenarioPath: path, overrides: [], out: out, resultsRoot: "unused", quiet: true,
                                                progress: false, environment: [:])
            XCTAssertEqual(code, LorabenchExit.ok)
            dirs.append(out)
        }
        return (dirs[0], dirs[1])
    }

    func testReportFormatsCompareAndMerge() async throws {
        let (fast, slow) = try await twoRuns()
        let a = try SummaryFiles.read(fast), b = try SummaryFiles.read(slow)

        let prom = PrometheusExport.render(a)
        let p50 = a.metrics["ttft"]!.p50 / 1000
        XCTAssertTrue(prom.contains("lorabench_ttft_seconds{scenario=\"off\",quantile=\"0.5\"} \(p50)"), prom)
        XCTAssertTrue(prom.contains("lorabench_requests_total{scenario=\"off\",result=\"ok\"} \(a.requests.succeeded)"))
        XCTAssertTrue(prom.contains("lorabench_threshold_passed{scenario=\"off\",threshold=\"error_rate < 0.5\"} 1"))

        let html = NSTemporaryDirectory() + "dash-\(UUID().uuidString).html"
        var report = try ReportCommand.parse([fast, "--format", "html", "--out", html])
        try await report.run()
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!doctype html>"))
        XCTAssertTrue(page.contains("<svg"), "per-second charts from timeseries.csv")
        XCTAssertTrue(page.contains("✓"))
        let trend = HTMLDashboard.render(trend: [a, b])
        XCTAssertTrue(trend.contains("2 runs"))

        var same = try CompareCommand.parse([fast, fast])
        try await same.run()
        var worse = try CompareCommand.parse([fast, slow, "--metrics", "tpot.p50,error_rate"])
        do { try await worse.run(); XCTFail("a 6x slower decode is a regression") } catch let e as ExitCode {
            XCTAssertEqual(e, LorabenchExit.thresholdsFailed)
        }
        let c = RunComparison(base: a, new: b, tolerancePercent: 10, metrics: ["tpot.p50", "output_token_throughput"])
        XCTAssertTrue(c.lines[0].regression)
        XCTAssertGreaterThan(c.lines[0].changePercent ?? 0, 100)

        let merged = MergeCommand.merge([a, b], sequential: true)
        XCTAssertEqual(merged.requests.succeeded, a.requests.succeeded + b.requests.succeeded)
        XCTAssertEqual(merged.outputTokens, a.outputTokens + b.outputTokens)
        XCTAssertEqual(merged.run.windowSeconds, a.run.windowSeconds + b.run.windowSeconds, accuracy: 0.001)
        var direct = a.aggregate.metrics[.itl]!.histogram
        direct.merge(b.aggregate.metrics[.itl]!.histogram)
        XCTAssertEqual(merged.metrics["itl"]!.p99, MetricSummary(direct).p99, "merged percentiles come from the exact merged histogram")
        let out = NSTemporaryDirectory() + "merged-\(UUID().uuidString).json"
        var mergeCmd = try MergeCommand.parse([fast, slow, "--out", out])
        try await mergeCmd.run()
        XCTAssertEqual(try SummaryFiles.read(out).requests.succeeded, merged.requests.succeeded)
    }

    func testUnreadableSummaryIsAClearError() async throws {
        var r = try ReportCommand.parse(["/nonexistent/summary.json"])
        do { try await r.run(); XCTFail() } catch let e as ExitCode { XCTAssertEqual(e, LorabenchExit.invalidConfig) }
    }
}
