import Foundation
import Stats
import XCTest

/// Reports rendered from a fixed set of records, compared byte for byte with files in Tests/Fixtures/golden.
/// Regenerate with LORABENCH_UPDATE_GOLDEN=1 after an intended change, and review the diff.
final class GoldenReportTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    func fixedSummary() -> RunSummary {
        var a = Aggregate()
        let slo = SLO(ttftMs: 300, tpotMs: 30)
        for i in 0..<40 {
            let adapter = i % 4 == 0 ? "" : "org/adapter-\(i % 4)"
            let ttft = UInt64(50_000 + (i * 7919) % 400_000), tokens = 20 + i % 5
            let gaps = (0..<(tokens - 1)).map { UInt64(20_000 + ($0 * 131 + i * 17) % 9_000) }
            let end = 1_000 + ttft + gaps.reduce(0, +)
            a.add(RequestRecord(sequence: i, vu: i % 8, adapter: adapter, cold: i < 4, intendedMicros: 900, sentMicros: 1_000,
                                firstTokenMicros: 1_000 + ttft, endMicros: end, tokenGapsMicros: gaps, tokenEvents: tokens,
                                outputTokens: tokens, outputTokensSource: .server, inputWords: 100, inputTokens: 130,
                                maxNewTokens: tokens, status: 200), slo: slo)
        }
        a.add(RequestRecord(sequence: 40, vu: 1, adapter: "org/adapter-1", cold: false, intendedMicros: 0, sentMicros: 0, endMicros: 5_000,
                            inputWords: 100, maxNewTokens: 20, status: 200, errorClass: .stream, errorType: "generation"), slo: slo)
        a.dropped = 2
        let run = RunSummary.Run(scenarioName: "golden", executor: "constant-vus", target: "http://127.0.0.1:3000", api: "lorax",
                                 lorabenchVersion: "0.0.0", host: "test", startedAt: "2026-01-01T00:00:00.000Z",
                                 endedAt: "2026-01-01T00:00:10.000Z", windowSeconds: 10, interrupted: false, requestedRate: nil)
        var s = RunSummary(run: run, scenario: .object(["name": .string("golden")]), slo: slo, aggregate: a)
        s.thresholds = [try! Threshold.parse(metric: "ttft.p95", expression: "< 400"), try! Threshold.parse(metric: "error_rate", expression: "< 0.01")]
            .map { $0.evaluate(s) }
        return s
    }

    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.dir.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["LORABENCH_UPDATE_GOLDEN"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs; LORABENCH_UPDATE_GOLDEN=1 regenerates it", file: file, line: line)
    }

    func testTerminalReport() throws {
        try assertGolden(TerminalReport.render(fixedSummary(), resultsDir: "results/golden"), "terminal.txt")
    }

    func testPrometheusExport() throws {
        try assertGolden(PrometheusExport.render(fixedSummary()), "metrics.prom")
    }

    func testThresholdOutcomes() {
        let s = fixedSummary()
        XCTAssertEqual(s.thresholds.map(\.passed), [true, false], "p95 TTFT 343 ms is under 400 ms; one request in 41 failed")
        XCTAssertEqual(s.requests.errorRate, 0.02439)
    }
}
