import Foundation
import Stats
import XCTest

/// The nightly trend page's markup: each metric on its own chart, runs by date and name with links, failed runs a
/// gap and a marker, error rate plotted, thresholds with values, one line per scenario, nothing fetched.
final class HTMLDashboardTests: XCTestCase {
    func run(_ scenario: String, day: Int, failAll: Bool = false, decodeMicros: UInt64 = 12_000) -> RunSummary {
        var a = Aggregate()
        for i in 0..<20 {
            let gaps = (0..<9).map { UInt64($0) + decodeMicros }
            let ttft = UInt64(30_000 + i * 500)
            a.add(failAll
                  ? RequestRecord(sequence: i, vu: 0, adapter: "", cold: false, intendedMicros: 0, sentMicros: 0, endMicros: 1_000,
                                  inputWords: 5, maxNewTokens: 10, status: 503, errorClass: .http)
                  : RequestRecord(sequence: i, vu: 0, adapter: "", cold: false, intendedMicros: 0, sentMicros: 0, firstTokenMicros: ttft,
                                  endMicros: ttft + gaps.reduce(0, +), tokenGapsMicros: gaps, tokenEvents: 10, outputTokens: 10,
                                  outputTokensSource: .server, inputWords: 5, inputTokens: 7, maxNewTokens: 10, status: 200), slo: SLO())
        }
        let run = RunSummary.Run(scenarioName: scenario, executor: "constant-vus", target: "http://127.0.0.1:1", api: "lorax",
                                 lorabenchVersion: "t", host: "t", startedAt: "2026-01-0\(day)T02:00:00.000Z",
                                 endedAt: "2026-01-0\(day)T02:00:10.000Z", windowSeconds: 10, interrupted: false, requestedRate: nil)
        var s = RunSummary(run: run, scenario: .object([:]), slo: SLO(), aggregate: a)
        s.thresholds = [("ttft.p95", "< 40"), ("error_rate", "< 0.1")].compactMap { try? Threshold.parse(metric: $0.0, expression: $0.1) }
            .map { $0.evaluate(s) }
        return s
    }

    func testTrendPage() {
        let runs = [run("chat", day: 3), run("chat", day: 1), run("chat", day: 2, failAll: true), run("batch", day: 4, decodeMicros: 20_000)]
        let page = HTMLDashboard.render(trend: runs, sources: ["r/night-3", "r/night-1/summary.json", "r/night-2", "r/b-4"])
        XCTAssertTrue(page.contains("<h1>lorabench trend: 4 runs</h1>"))
        for id in ["ttft", "tpot", "itl", "e2e", "tokens", "errors"] {
            XCTAssertTrue(page.contains("<svg id=\"trend-\(id)\""), "\(id) on its own chart, so its axis fits it")
        }
        // x = runs in start order, labelled with date and folder name, each a link to its run.
        let first = page.range(of: ">night-1</tspan>")?.lowerBound, third = page.range(of: ">night-3</tspan>")?.lowerBound
        XCTAssertNotNil(first); XCTAssertNotNil(third)
        if let first, let third { XCTAssertLessThan(first, third, "oldest first") }
        XCTAssertTrue(page.contains("<a href=\"r/night-1/\"><text"), "the axis label links to the run folder")
        XCTAssertTrue(page.contains("<tspan>2026-01-01 02:00</tspan>"))
        XCTAssertTrue(page.contains("<a href=\"r/night-2/\">night-2</a> <b class=\"fail\">all failed</b>"))
        // The all-failed night: a marker, no point at 0 in any latency or token chart, and a 100 % error rate.
        XCTAssertEqual(page.components(separatedBy: "class=\"failed-marker\"").count - 1, 6, "one marker per chart")
        XCTAssertFalse(page.contains("night-2 (2026-01-02 02:00): 0 ms"), page)
        XCTAssertFalse(page.contains("night-2 (2026-01-02 02:00): 0 tokens/s"))
        XCTAssertTrue(page.contains("chat errors, night-2 (2026-01-02 02:00): 100 % of completed requests</title>"))
        // Hover titles carry the values.
        XCTAssertTrue(page.contains("<title>p50, night-1 (2026-01-01 02:00): 12.00 ms</title>") || page.contains("chat p50, night-1 (2026-01-01 02:00): "),
                      "points have titles")
        // One line per scenario, each in its own colour.
        XCTAssertTrue(page.contains(">chat p50</text>") && page.contains(">batch p50</text>"))
        // Thresholds with their values, and their limits drawn.
        XCTAssertTrue(page.contains("✗ FAILED ttft.p95 &lt; 40 (actual no data)"))
        XCTAssertTrue(page.contains("✓ passed ttft.p95 &lt; 40 (actual 39.01)"), page)
        XCTAssertTrue(page.contains(">ttft.p95 &lt; 40</text>") && page.contains(">error_rate &lt; 0.1</text>"))
        // The no-data cells of the failed run read "-", not 0.
        XCTAssertTrue(page.contains("<td>100%</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>"), page)
        // Self-contained: nothing to fetch (the SVG namespace is a name, not a request).
        XCTAssertFalse(page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"), "no network")
        XCTAssertFalse(page.contains("<script src") || page.contains("<link "))
    }
}
