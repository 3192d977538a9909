import Stats
import XCTest

final class AggregateTests: XCTestCase {
    func record(_ seq: Int, adapter: String = "a", cold: Bool = false, ttftMs: UInt64 = 100, e2eMs: UInt64 = 1100,
                tokens: Int = 11, error: ErrorClass? = nil) -> RequestRecord {
        RequestRecord(sequence: seq, vu: 0, adapter: adapter, cold: cold, intendedMicros: 1_000, sentMicros: 2_000,
                      firstTokenMicros: 2_000 + ttftMs * 1000, endMicros: 2_000 + e2eMs * 1000,
                      tokenGapsMicros: Array(repeating: 100_000, count: max(0, tokens - 1)), tokenEvents: tokens,
                      outputTokens: tokens, outputTokensSource: .server, inputWords: 10, inputTokens: 13, maxNewTokens: tokens,
                      status: 200, errorClass: error, errorType: error == .stream ? "overloaded" : nil)
    }

    func testPerRequestFormulas() {
        let r = record(0)
        XCTAssertEqual(r.ttftMicros, 100_000)
        XCTAssertEqual(r.ttftIntendedMicros, 101_000)
        XCTAssertEqual(r.scheduleLagMicros, 1_000)
        XCTAssertEqual(r.e2eMicros, 1_100_000)
        XCTAssertEqual(r.tpotMicros, 100_000)  // (1100 − 100) / (11 − 1) ms
        XCTAssertNil(record(1, tokens: 1).tpotMicros)
    }

    func testSummaryCountsRatesAndGoodput() {
        var a = Aggregate()
        let slo = SLO(ttftMs: 150)
        for i in 0..<8 { a.add(record(i, ttftMs: i < 6 ? 100 : 200), slo: slo) }
        a.add(record(8, error: .stream), slo: slo)
        a.add(record(9, error: .timeout), slo: slo)
        a.dropped = 3
        let run = RunSummary.Run(scenarioName: "t", executor: "constant-vus", target: "http://x", api: "lorax",
                                 lorabenchVersion: "0", host: "h", startedAt: "", endedAt: "", windowSeconds: 2,
                                 interrupted: false, requestedRate: nil)
        let s = RunSummary(run: run, scenario: .null, slo: slo, aggregate: a)
        XCTAssertEqual(s.requests.succeeded, 8)
        XCTAssertEqual(s.requests.failed, 2)
        XCTAssertEqual(s.requests.total, 13)
        XCTAssertEqual(s.requests.errorRate, 0.2)
        XCTAssertEqual(s.requests.errors["stream"], 1)
        XCTAssertEqual(s.requests.errors["timeout"], 1)
        XCTAssertEqual(s.requests.errors["connect"], 0)
        XCTAssertEqual(s.requests.streamErrorTypes["overloaded"], 1)
        XCTAssertEqual(s.throughput.requestThroughput, 4)
        XCTAssertEqual(s.throughput.outputTokenThroughput, 44)
        XCTAssertEqual(s.throughput.goodput, 3)           // 6 requests met the SLO in 2 s
        XCTAssertEqual(s.throughput.goodputFraction, 0.6) // of 10 completed
        XCTAssertEqual(s.metrics["itl"]?.count, 80)
        XCTAssertEqual(s.metrics["tpot"]?.p50 ?? 0, 100, accuracy: 0.1)
        XCTAssertEqual(s.outputTokensSource, "server")
    }

    func testColdAndWarmTTFTAreSeparatedPerAdapter() {
        var a = Aggregate()
        a.add(record(0, adapter: "x", cold: true, ttftMs: 900), slo: SLO())
        a.add(record(1, adapter: "x", ttftMs: 50), slo: SLO())
        a.add(record(2, adapter: "y", cold: true, ttftMs: 700), slo: SLO())
        XCTAssertEqual(a.coldTTFT.count, 2)
        XCTAssertEqual(a.warmTTFT.count, 1)
        XCTAssertEqual(a.adapters["x"]?.coldTTFT.maxMicros, 900_000)
        XCTAssertEqual(a.adapters["x"]?.warmTTFT.maxMicros, 50_000)
    }

    func testSummaryJSONRoundTripsAndMergesExactly() throws {
        var a = Aggregate(), b = Aggregate()
        for i in 0..<50 { a.add(record(i, ttftMs: UInt64(10 + i)), slo: SLO()) }
        for i in 0..<30 { b.add(record(i, adapter: "b", ttftMs: UInt64(500 + i)), slo: SLO()) }
        let run = RunSummary.Run(scenarioName: "t", executor: "constant-vus", target: "u", api: "lorax", lorabenchVersion: "0",
                                 host: "h", startedAt: "", endedAt: "", windowSeconds: 1, interrupted: false, requestedRate: nil)
        let data = try RunSummary(run: run, scenario: .object(["k": .int(1)]), slo: SLO(), aggregate: a).encoded()
        let back = try RunSummary.read(data, source: "mem")
        XCTAssertEqual(back.aggregate, a)
        var merged = back.aggregate
        merged.merge(b)
        var direct = a
        direct.merge(b)
        XCTAssertEqual(merged, direct)
        XCTAssertEqual(merged.succeeded, 80)
        XCTAssertThrowsError(try RunSummary.read(Data("{\"schema\":\"x\"}".utf8), source: "bad.json"))
    }
}
