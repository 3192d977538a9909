import Foundation
import Stats
import XCTest

/// Issue 10 items 7 and 8: numbers from outside (a server's counts, a summary file) never trap an addition.
final class OverflowTests: XCTestCase {
    func record(_ seq: Int, tokens: Int, input: Int?) -> RequestRecord {
        RequestRecord(sequence: seq, vu: 0, adapter: "", cold: false, intendedMicros: 1_000, sentMicros: 2_000,
                      firstTokenMicros: 3_000, endMicros: 4_000, tokenEvents: 1, outputTokens: tokens,
                      outputTokensSource: .server, inputWords: 1, inputTokens: input, maxNewTokens: 1, status: 200)
    }

    func testServerCountsNearIntMaxDoNotTrapTheAggregate() {
        var a = Aggregate()
        for i in 0..<3 { a.add(record(i, tokens: .max, input: .max), slo: SLO()) }
        XCTAssertEqual(a.succeeded, 3)
        XCTAssertEqual(a.outputTokens, .max, "held at Int.max, not wrapped")
        XCTAssertEqual(a.inputTokens, .max)
        var interval = IntervalSnapshot()
        for i in 0..<3 { interval.add(record(i, tokens: .max, input: nil)) }
        XCTAssertEqual(interval.outputTokens, .max)
        var b = a
        b.merge(a)
        XCTAssertEqual(b.outputTokens, .max)
        XCTAssertEqual(b.adapters[""]?.outputTokens, .max)
    }

    func summaryData(_ mutate: (inout Aggregate) -> Void) throws -> Data {
        var a = Aggregate()
        a.add(record(0, tokens: 5, input: 3), slo: SLO())
        mutate(&a)
        let run = RunSummary.Run(scenarioName: "t", executor: "constant-vus", target: "http://x", api: "lorax", lorabenchVersion: "0",
                                 host: "h", startedAt: "", endedAt: "", windowSeconds: 1, interrupted: false, requestedRate: nil)
        return try RunSummary(run: run, scenario: .null, slo: SLO(), aggregate: a).encoded()
    }

    func testSummaryCountsBeyondTwoToThe53AreRefusedOnReading() throws {
        let huge = try summaryData { $0.succeeded = Int.max - 1 }
        XCTAssertThrowsError(try RunSummary.read(huge, source: "s.json")) { e in
            XCTAssertEqual("\(e)", "s.json: aggregate.succeeded is 9223372036854775806, not a plausible count (0 to 2^53)")
        }
        let negative = try summaryData { $0.errors["http"] = -1 }
        XCTAssertThrowsError(try RunSummary.read(negative, source: "s.json"))
        // A histogram whose bucket counts overflow when added up (HDR's counters would trap).
        let text = String(decoding: try summaryData { _ in }, as: UTF8.self)
        let bucket = try XCTUnwrap(text.range(of: #"\[\s*1000,\s*1\s*\]"#, options: .regularExpression), text)
        let bad = text.replacingCharacters(in: bucket, with: "[1000, 18446744073709551615], [2000, 18446744073709551615]")
        XCTAssertThrowsError(try RunSummary.read(Data(bad.utf8), source: "s.json")) { e in
            XCTAssertTrue("\(e)".contains("more than 2^53"), "\(e)")
        }
        // Token totals are not bounded, and merge adds them saturating.
        let tokens = try RunSummary.read(try summaryData { $0.outputTokens = .max }, source: "s.json")
        let merged = RunMerge.merge([tokens, tokens, tokens], sequential: false, version: "t")
        XCTAssertEqual(merged.outputTokens, .max)
        XCTAssertEqual(merged.requests.succeeded, 3)
    }
}
