@testable import LoadGen
import XCTest

/// Wake-ups driven by a manual clock: `advance(to:)` runs what is due, in time order, moving the clock to each.
final class ManualWakes: WakeScheduling {
    private var entries: [(at: UInt64, seq: Int, action: () -> Void)] = []
    private var seq = 0
    let clock: ManualClock

    init(clock: ManualClock) { self.clock = clock }

    func schedule(at: UInt64, _ action: @escaping () -> Void) {
        seq += 1
        entries.append((at, seq, action))
    }

    func cancelAll() { entries.removeAll() }

    var pending: Int { entries.count }

    /// Runs the earliest wake-up already due without moving the clock (a process that is late); false when none is.
    @discardableResult
    func runOneDue() -> Bool {
        let now = clock.nowMicros()
        guard let next = entries.filter({ $0.at <= now }).min(by: { ($0.at, $0.seq) < ($1.at, $1.seq) }) else { return false }
        entries.removeAll { $0.seq == next.seq }
        next.action()
        return true
    }

    func advance(to t: UInt64) {
        while let next = entries.filter({ $0.at <= t }).min(by: { ($0.at, $0.seq) < ($1.at, $1.seq) }) {
            entries.removeAll { $0.seq == next.seq }
            clock.set(next.at)
            next.action()
        }
        clock.set(t)
    }
}

/// Records what the executor sends; requests end when the test says.
final class RecordingSender: RequestSending {
    struct Sent { var vu: Int; var intended: UInt64; var stage: Int; var done: (Bool) -> Void }
    var sent: [Sent] = []
    var open: [Int] = []  // indices into `sent` still in flight
    var inFlight: Int { open.count }

    func send(vu: Int, intendedMicros: UInt64, stage: Int, done: @escaping (Bool) -> Void) {
        open.append(sent.count)
        sent.append(Sent(vu: vu, intended: intendedMicros, stage: stage, done: done))
    }

    /// Ends the oldest request still in flight, as a success or a failure.
    func completeOldest(failed: Bool = false) {
        let i = open.removeFirst()
        sent[i].done(failed)
    }

    func completeAll() { while !open.isEmpty { completeOldest() } }
}

/// The executors' decisions on a manual clock: who is sent when, what counts as dropped, when the run is finished.
final class ExecutorTests: XCTestCase {
    let t0: UInt64 = 1_000_000

    func testClosedModelThinksThenSendsAgainWithIntendedAtTheEndOfThink() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let ex = VUExecutor(sender: sender, wakes: wakes, clock: clock, load: .constantVUs(vus: 2, duration: .seconds(1)),
                            thinkTime: .milliseconds(100))
        var finished = false
        ex.start(at: t0) { finished = true }
        XCTAssertEqual(sender.sent.map(\.vu), [0, 1], "both VUs start at once")
        XCTAssertEqual(sender.sent.map(\.intended), [t0, t0])
        XCTAssertEqual(ex.activeVUs, 2)
        wakes.advance(to: t0 + 50_000)
        sender.completeOldest()  // VU 0 done at +50 ms, thinks until +150 ms
        wakes.advance(to: t0 + 149_000)
        XCTAssertEqual(sender.sent.count, 2, "still thinking")
        wakes.advance(to: t0 + 150_000)
        XCTAssertEqual(sender.sent.count, 3)
        XCTAssertEqual(sender.sent[2].vu, 0)
        XCTAssertEqual(sender.sent[2].intended, t0 + 150_000, "t_intended is when the think time ended")
        wakes.advance(to: t0 + 1_000_000)
        XCTAssertFalse(finished, "two requests still in flight at the end of the schedule")
        sender.completeAll()
        XCTAssertTrue(finished)
        XCTAssertEqual(sender.sent.count, 3, "nothing sent after the end")
        XCTAssertEqual(wakes.pending, 0, "stopping cancelled the executor's own wake-ups")
    }

    func testAFailedRequestWithoutThinkTimeWaitsTheBackOff() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let ex = VUExecutor(sender: sender, wakes: wakes, clock: clock, load: .constantVUs(vus: 1, duration: .seconds(1)),
                            thinkTime: .zero, failureBackoff: .milliseconds(100))
        ex.start(at: t0) {}
        wakes.advance(to: t0 + 10_000)
        sender.completeOldest(failed: false)
        XCTAssertEqual(sender.sent.map(\.intended), [t0, t0 + 10_000], "a success is followed at once")
        wakes.advance(to: t0 + 20_000)
        sender.completeOldest(failed: true)
        XCTAssertEqual(sender.sent.count, 2, "a failure is not retried at once")
        wakes.advance(to: t0 + 119_999)
        XCTAssertEqual(sender.sent.count, 2)
        wakes.advance(to: t0 + 120_000)
        XCTAssertEqual(sender.sent.last?.intended, t0 + 120_000, "sent again after the 100 ms back-off")
    }

    func testVUStartSpreadStaggersTheFirstRequests() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let ex = VUExecutor(sender: sender, wakes: wakes, clock: clock, load: .constantVUs(vus: 4, duration: .seconds(2)),
                            thinkTime: .zero, startSpread: .seconds(1))
        ex.start(at: t0) {}
        wakes.advance(to: t0 + 999_999)
        XCTAssertEqual(sender.sent.map(\.intended), [0, 250_000, 500_000, 750_000].map { t0 + $0 }, "VU i of 4 at i/4 s")
        XCTAssertEqual(sender.sent.map(\.vu), [0, 1, 2, 3])
    }

    func testRampingVUsStartOnTheTickAndLabelStages() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let load = Scenario.Load.rampingVUs(startVUs: 0, stages: [.init(duration: .seconds(1), target: 4), .init(duration: .seconds(1), target: 4)])
        let ex = VUExecutor(sender: sender, wakes: wakes, clock: clock, load: load, thinkTime: .zero)
        ex.start(at: t0) {}
        XCTAssertEqual(sender.sent.count, 0, "0 VUs wanted at the start")
        wakes.advance(to: t0 + 260_000)
        XCTAssertEqual(sender.sent.count, 1, "1 VU from 250 ms on (on the 20 ms tick)")
        XCTAssertEqual(sender.sent[0].intended, t0 + 260_000)
        wakes.advance(to: t0 + 1_000_000)
        XCTAssertEqual(sender.sent.map(\.vu).sorted(), [0, 1, 2, 3])
        XCTAssertEqual(sender.sent.map(\.stage), [0, 0, 0, 1], "the fourth VU starts at 1 s, in the second stage")
    }

    func testOpenModelDropsWhenEverySlotIsBusyAndQueuesUpToMaxQueue() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let load = Scenario.Load.constantArrivalRate(rate: 10, timeUnit: .seconds(1), duration: .seconds(1), preAllocatedVUs: 2, maxVUs: 2)
        let ex = ArrivalExecutor(sender: sender, wakes: wakes, clock: clock, load: load, arrival: .uniform, maxQueue: 3, seed: 1)
        var finished = false
        ex.start(at: t0) { finished = true }
        wakes.advance(to: t0 + 950_000)  // ten arrivals, none completes: 2 sent, 3 queued, 5 dropped
        XCTAssertEqual(sender.sent.map(\.intended), [t0, t0 + 100_000])
        XCTAssertEqual(ex.dropped, 5)
        sender.completeOldest()  // the slot goes to the oldest queued arrival, with its own intended time
        XCTAssertEqual(sender.sent.last?.intended, t0 + 200_000)
        XCTAssertEqual(sender.sent.last?.vu, sender.sent[0].vu, "the freed slot is reused")
        wakes.advance(to: t0 + 2_000_000)
        XCTAssertFalse(finished)
        ex.dropWaiting()  // cut off: the two still queued are dropped
        XCTAssertEqual(ex.dropped, 7)
        sender.completeAll()
        XCTAssertTrue(finished)
        XCTAssertEqual(sender.sent.count, 3)
    }

    func testLateWakeStillSendsEveryDueArrivalWithItsOwnIntendedTime() {
        let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
        let load = Scenario.Load.constantArrivalRate(rate: 100, timeUnit: .seconds(1), duration: .seconds(1), preAllocatedVUs: 50, maxVUs: 50)
        let ex = ArrivalExecutor(sender: sender, wakes: wakes, clock: clock, load: load, arrival: .uniform, maxQueue: 0, seed: 1)
        ex.start(at: t0) {}
        // The first wake-up is 45 ms late: the five arrivals due by then go out at once, stamped with their schedule.
        clock.set(t0 + 45_000)
        wakes.advance(to: t0 + 45_000)
        XCTAssertEqual(sender.sent.map(\.intended), [0, 10_000, 20_000, 30_000, 40_000].map { t0 + $0 })
        XCTAssertEqual(ex.dropped, 0)
    }

    /// The schedule's end reached while the process was late: what was due by then is sent (late, with its own
    /// intended time), not dropped; a user's stop in the same state drops it instead.
    func testScheduleEndSendsArrivalsThatWereDueButAUserStopDropsThem() {
        let load = Scenario.Load.constantArrivalRate(rate: 10, timeUnit: .seconds(1), duration: .seconds(1), preAllocatedVUs: 20, maxVUs: 20)
        for userStop in [false, true] {
            let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
            let ex = ArrivalExecutor(sender: sender, wakes: wakes, clock: clock, load: load, arrival: .uniform, maxQueue: 0, seed: 1)
            var finished = false
            ex.start(at: t0) { finished = true }
            wakes.advance(to: t0 + 650_000)  // seven sent on time
            XCTAssertEqual(sender.sent.count, 7)
            clock.set(t0 + 1_000_000)        // the loop was busy until the schedule's end: three arrivals are due
            if userStop { ex.stopIssuing() } else { ex.endSchedule(at: t0 + 1_000_000) }
            XCTAssertEqual(sender.sent.count, userStop ? 7 : 10, "userStop=\(userStop)")
            XCTAssertEqual(ex.dropped, userStop ? 3 : 0)
            if !userStop { XCTAssertEqual(sender.sent.suffix(3).map(\.intended), [700_000, 800_000, 900_000].map { t0 + $0 }) }
            wakes.advance(to: t0 + 3_000_000)
            XCTAssertEqual(sender.sent.count, userStop ? 7 : 10, "nothing after the end")
            sender.completeAll()
            XCTAssertTrue(finished)
        }
    }
}
