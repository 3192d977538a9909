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
            let r = await lorabench(["run", path, "--out", out, "--quiet"])
            XCTAssertEqual(r.code, LorabenchExit.ok)
            XCTAssertEqual(r.out, out + "\n", "--quiet prints only the results folder")
            dirs.append(out)
        }
        return (dirs[0], dirs[1])
    }

    func testReportFormatsCompareAndMerge() async throws {
        let (fast, slow) = try await twoRuns()
        let a = try ResultFiles.summary(at: fast), b = try ResultFiles.summary(at: slow)

        let prom = PrometheusExport.render(a)
        let p50 = a.metrics["ttft"]!.p50 / 1000
        let parsed = PrometheusText.parse(prom)
        XCTAssertEqual(parsed.badLines, 0)
        let q50 = parsed.samples.first { $0.name == "lorabench_ttft_percentile_seconds" && $0.label("percentile") == "50" }
        XCTAssertEqual(q50?.value ?? 0, p50, accuracy: 1e-9, prom)
        XCTAssertTrue(prom.contains("lorabench_ttft_seconds_count{scenario=\"off\"} \(a.metrics["ttft"]!.count)\n"), prom)
        XCTAssertTrue(prom.contains("lorabench_requests_total{scenario=\"off\",result=\"ok\"} \(a.requests.succeeded)"))
        XCTAssertTrue(prom.contains("lorabench_threshold_passed{scenario=\"off\",metric=\"error_rate\",comparison=\"lt\",limit=\"0.5\"} 1"))

        let html = NSTemporaryDirectory() + "dash-\(UUID().uuidString).html"
        let report = await lorabench(["report", fast, "--format", "html", "--out", html])
        XCTAssertEqual(report.code, LorabenchExit.ok)
        XCTAssertEqual(report.out, "", "--out writes the page, not stdout")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!doctype html>"))
        XCTAssertTrue(page.contains("<svg"), "per-second charts from timeseries.csv")
        XCTAssertTrue(page.contains("✓"))
        let trend = HTMLDashboard.render(trend: [a, b])
        XCTAssertTrue(trend.contains("2 runs"))

        let text = await lorabench(["report", fast])
        XCTAssertEqual(text.code, LorabenchExit.ok)
        XCTAssertEqual(text.out, TerminalReport.render(a) , "report prints the saved run as the run printed it")
        let json = await lorabench(["report", fast, "--format", "json"])
        XCTAssertEqual(try RunSummary.read(Data(json.out.utf8), source: "stdout").requests.succeeded, a.requests.succeeded)
        let promOut = await lorabench(["report", fast, "--format", "prometheus"])
        XCTAssertEqual(promOut.out, prom)
        let twoProm = await lorabench(["report", fast, slow, "--format", "prometheus"])
        XCTAssertEqual(twoProm.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(twoProm.err, "lorabench: report: --format prometheus takes one summary (each run is its own exposition)\n")
        let twoJSON = await lorabench(["report", fast, slow, "--format", "json"])
        XCTAssertEqual(twoJSON.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(twoJSON.err, "lorabench: report: --format json takes one summary (use `merge` to combine runs)\n")

        let same = await lorabench(["compare", fast, fast])
        XCTAssertEqual(same.code, LorabenchExit.ok)
        XCTAssertEqual(same.err, "")
        XCTAssertTrue(same.out.contains("ttft.p95"), same.out)
        let worse = await lorabench(["compare", fast, slow, "--metrics", "tpot.p50,error_rate"])
        XCTAssertEqual(worse.code, LorabenchExit.thresholdsFailed, "a 6x slower decode is a regression")
        XCTAssertEqual(worse.err, "lorabench: regressions beyond 10% and beyond sampling noise: tpot.p50\n")
        XCTAssertTrue(worse.out.contains("tpot.p50") && worse.out.contains("error_rate"), worse.out)
        let badMetric = await lorabench(["compare", fast, slow, "--metrics", "ttft.p42"])
        XCTAssertEqual(badMetric.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(badMetric.err.hasPrefix("lorabench: --metrics ttft.p42: "), badMetric.err)
        let c = RunComparison(base: a, new: b, tolerancePercent: 10, metrics: ["tpot.p50", "output_token_throughput"])
        XCTAssertTrue(c.lines[0].regression)
        XCTAssertGreaterThan(c.lines[0].changePercent ?? 0, 100)

        let merged = RunMerge.merge([a, b], sequential: true, version: "t")
        XCTAssertEqual(merged.requests.succeeded, a.requests.succeeded + b.requests.succeeded)
        XCTAssertEqual(merged.outputTokens, a.outputTokens + b.outputTokens)
        XCTAssertEqual(merged.run.windowSeconds, a.run.windowSeconds + b.run.windowSeconds, accuracy: 0.001)
        var direct = a.aggregate.metrics[.itl]!.histogram
        direct.merge(b.aggregate.metrics[.itl]!.histogram)
        XCTAssertEqual(merged.metrics["itl"]!.p99, MetricSummary(direct).p99, "merged percentiles come from the exact merged histogram")
        let out = NSTemporaryDirectory() + "merged-\(UUID().uuidString).json"
        let mergeCmd = await lorabench(["merge", fast, slow, "--out", out])
        XCTAssertEqual(mergeCmd.code, LorabenchExit.ok)
        let written = try ResultFiles.summary(at: out)
        XCTAssertEqual(written.requests.succeeded, a.requests.succeeded + b.requests.succeeded)
        XCTAssertEqual(mergeCmd.out, TerminalReport.render(written, resultsDir: out) + "\n")
        let one = await lorabench(["merge", fast, "--out", out])
        XCTAssertEqual(one.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(one.err, "lorabench: merge: give at least two summaries to merge\n")
    }

    func testUnreadableSummaryIsAClearError() async throws {
        let r = await lorabench(["report", "/nonexistent/summary.json"])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, "lorabench: /nonexistent/summary.json: cannot be read\n")
    }
}
