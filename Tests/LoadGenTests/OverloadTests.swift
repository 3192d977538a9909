@testable import LoadGen
import Stats
import XCTest

/// Issue 10 item 12: an arrival rate the process cannot keep is refused up front, and if the schedule still runs
/// ahead, the executor yields between batches and counts what it could not start as dropped.
final class OverloadTests: XCTestCase {
    func testRatesAboveWhatOneProcessCanStartAreRefused() {
        let doc: JSONValue = .object(["name": .string("fast"), "target": .object(["url": .string("http://127.0.0.1:9")]),
                                      "rate": .int(2001), "time_unit": .string("1ms"), "duration": .string("10s")])
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "f.json", environment: [:])) { e in
            XCTAssertTrue("\(e)".contains("rate: 2001 per 1ms is 2001000 arrivals/s; one lorabench process starts at most 100000"), "\(e)")
        }
        let ramp: JSONValue = .object(["name": .string("ramp"), "target": .object(["url": .string("http://127.0.0.1:9")]),
                                       "start_rate": .int(10), "stages": .array([.object(["duration": .string("1s"), "target": .int(200_000)])])])
        XCTAssertThrowsError(try ScenarioLoader.load(document: ramp, file: "r.json", environment: [:])) { e in
            XCTAssertTrue("\(e)".contains("stages[0].target"), "\(e)")
        }
    }

    func testAScheduleAheadOfTheProcessYieldsBetweenBatchesAndCountsTheRestAsDropped() {
        let t0: UInt64 = 1_000_000
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let load = Scenario.Load.constantArrivalRate(rate: 5_000_000, timeUnit: .seconds(1), duration: .seconds(10),
                                                     preAllocatedVUs: 1, maxVUs: 1)
        let ex = ArrivalExecutor(sender: sender, wakes: wakes, clock: clock, load: load, arrival: .uniform, maxQueue: 0, seed: 1)
        ex.start(at: t0) {}
        clock.set(t0 + 10_000)  // the process wakes 10 ms late: some 50,000 arrivals are due
        XCTAssertTrue(wakes.runOneDue())
        XCTAssertEqual(sender.sent.count + ex.dropped, ArrivalExecutor.batch, "one wake-up handles one batch, then yields")
        XCTAssertEqual(wakes.pending, 1, "the rest is a wake-up of its own, after whatever else is queued")
        ex.stopIssuing()  // a stop wins at once
        var pacer = ArrivalPacer(load: load, arrival: .uniform, seed: 1)
        var due = 0
        while let at = pacer.next(), at <= 10_000 { due += 1 }
        XCTAssertGreaterThan(due, 50_000)
        XCTAssertEqual(sender.sent.count + ex.dropped, due, "every arrival due by the stop is sent or dropped")
        XCTAssertEqual(sender.sent.count, 1)
    }
}
