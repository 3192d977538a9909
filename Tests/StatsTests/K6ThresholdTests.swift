import Foundation
import Stats
import XCTest

/// k6's threshold syntax on lorabench's names, tag filters per adapter, and what each form evaluates to.
final class K6ThresholdTests: XCTestCase {
    /// 20 requests to org/a (TTFT 10..29 ms, 2 failed) and 10 to the base model (TTFT 100..109 ms).
    func summary() -> RunSummary {
        var a = Aggregate()
        for i in 0..<30 {
            let adapter = i < 20 ? "org/a" : ""
            let ttft = UInt64(i < 20 ? 10_000 + i * 1_000 : 100_000 + (i - 20) * 1_000)
            let r = i == 3 || i == 4
                ? RequestRecord(sequence: i, vu: 0, adapter: adapter, cold: false, intendedMicros: 0, sentMicros: 0, endMicros: 2_000,
                                inputWords: 10, maxNewTokens: 10, status: 503, errorClass: .http)
                : RequestRecord(sequence: i, vu: 0, adapter: adapter, cold: false, intendedMicros: 0, sentMicros: 0,
                                firstTokenMicros: ttft, endMicros: ttft + 9 * 5_000, tokenGapsMicros: Array(repeating: 5_000, count: 9),
                                tokenEvents: 10, outputTokens: 10, outputTokensSource: .server, inputWords: 10, inputTokens: 12,
                                maxNewTokens: 10, status: 200)
            a.add(r, slo: SLO())
        }
        let run = RunSummary.Run(scenarioName: "k6", executor: "constant-vus", target: "http://x", api: "lorax", lorabenchVersion: "1",
                                 host: "t", startedAt: "", endedAt: "", windowSeconds: 10, interrupted: false, requestedRate: nil)
        return RunSummary(run: run, scenario: .object([:]), slo: SLO(), aggregate: a)
    }

    func testK6FormsMeanTheSameAsLorabenchForms() throws {
        let pairs: [(String, String, String, String)] = [
            ("ttft", "p(95)<500", "ttft.p95", "< 500"), ("ttft", "p(99.9) <= 2s", "ttft.p99.9", "<= 2000"),
            ("e2e", "avg<1.5s", "e2e.mean", "< 1500"), ("tpot", "med < 20", "tpot.p50", "< 20"), ("itl", "max<250ms", "itl.max", "< 250"),
            ("error_rate", "rate<0.01", "error_rate", "< 0.01"), ("failed", "count==0", "failed", "== 0"), ("dropped", "count===0", "dropped", "== 0"),
            ("ttft{adapter:org/a}", "p(95)<800", "ttft{adapter:org/a}.p95", "< 800"),
            ("ttft{adapter:}", "p(50)<1m", "ttft{adapter:}.p50", "< 60000"),
        ]
        for (key, k6, metric, expression) in pairs {
            let t = try Threshold.parse(metric: key, expression: k6)
            XCTAssertEqual(t.metric, metric, key + " " + k6)
            XCTAssertEqual(t.expression, expression, key + " " + k6)
            XCTAssertEqual(try Threshold.parse(metric: metric, expression: expression), t, "the canonical form parses back to the same")
        }
    }

    func testPerAdapterFiltersEvaluateOnThatAdaptersRow() throws {
        let s = summary()
        func actual(_ key: String, _ e: String) throws -> Double? { try Threshold.parse(metric: key, expression: e).actual(in: s) }
        XCTAssertEqual(try actual("ttft{adapter:org/a}", "max<1"), 29, "org/a's slowest TTFT")
        XCTAssertEqual(try actual("ttft{adapter:}", "min<1"), 100, "the base model's fastest")
        XCTAssertEqual(try actual("ttft", "min<1"), 10, "unfiltered: the whole run")
        XCTAssertEqual(try actual("error_rate{adapter:org/a}", "rate<0.5"), 0.1, "2 of 20 failed")
        XCTAssertEqual(try actual("error_rate{adapter:}", "rate<0.5"), 0)
        XCTAssertEqual(try actual("failed{adapter:org/a}", "count<1"), 2)
        let missing = try Threshold.parse(metric: "ttft{adapter:org/zzz}", expression: "p(95)<800").evaluate(s)
        XCTAssertNil(missing.actual, "an adapter the run never touched has no data")
        XCTAssertFalse(missing.passed, "and no data fails, as for every threshold")
        XCTAssertTrue(try Threshold.parse(metric: "ttft{adapter:org/a}", expression: "p(95)<30").evaluate(s).passed)
        XCTAssertFalse(try Threshold.parse(metric: "ttft{adapter:}", expression: "p(95)<30").evaluate(s).passed)
    }

    func testBadThresholdsSayWhatWasExpected() {
        func message(_ key: String, _ e: String) -> String {
            do { _ = try Threshold.parse(metric: key, expression: e); return "parsed" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("ttft", "< 500"), "\"ttft\" needs a statistic: \"p(95)<500\" (k6's form) or the key ttft.p95 with \"< 500\"")
        XCTAssertEqual(message("ttft", "p(97)<500"), "\"p(97)<500\": lorabench keeps p(50), p(90), p(95), p(99) and p(99.9), not p(97)")
        XCTAssertEqual(message("error_rate", "p(95)<1"), "\"p(95)<1\": p(95) does not apply to error_rate")
        XCTAssertEqual(message("ttft", "rate<1"), "\"rate<1\": rate does not apply to ttft (use p(N), avg, med, min or max)")
        XCTAssertEqual(message("ttft.p99", "p(95)<1"), "\"ttft.p99\" already names the statistic p99; \"p(95)<1\" names another")
        XCTAssertEqual(message("ttft{status:200}", "p(95)<1"),
                       "tag filter \"{status:200}\" in \"ttft{status:200}\": only the adapter tag is supported ({adapter:ID}, {adapter:} for the base model)")
        XCTAssertEqual(message("itl{adapter:a}", "p(95)<1"),
                       "\"itl\" is not kept per adapter; an {adapter:…} filter takes one of ttft, cold_ttft, warm_ttft, tpot, e2e, error_rate, failed, succeeded")
        XCTAssertEqual(message("error_rate", "rate<1s"), "expected a comparison like \"< 500\", \"p(95)<500\" or \">= 0.99\", got \"rate<1s\"")
        XCTAssertTrue(message("ttft", "p(95)<fast").hasSuffix("(milliseconds, or with a unit: 500ms, 1.5s), got \"p(95)<fast\""))
    }

    func testAbortOnFailWaitsForDataAndForTheDelay() throws {
        let s = summary()
        let t = try Threshold.parse(metric: "ttft", expression: "p(95)<1", abortOnFail: true, delayAbortEvalSeconds: 5)
        XCTAssertFalse(t.failsDuringWindow(s, elapsedSeconds: 4.9), "delayAbortEval holds the abort back")
        XCTAssertTrue(t.failsDuringWindow(s, elapsedSeconds: 5))
        let quiet = try Threshold.parse(metric: "ttft{adapter:org/none}", expression: "p(95)<1", abortOnFail: true)
        XCTAssertFalse(quiet.failsDuringWindow(s, elapsedSeconds: 60), "no data yet is no reason to abort")
        XCTAssertFalse(try Threshold.parse(metric: "ttft", expression: "p(95)<1").failsDuringWindow(s, elapsedSeconds: 60),
                       "only abortOnFail thresholds abort")
    }
}

