import Foundation
import Stats

/// The open model (k6 `constant-arrival-rate` / `ramping-arrival-rate`): requests arrive on a seeded schedule
/// whatever the server does; an arrival that finds all `max_vus` slots busy waits in a FIFO of `max_queue`
/// or is counted as dropped, never delayed silently. The pacer (or a trace's own times) decides when; this only acts on it.
/// In a segment it sends only the arrivals the segment owns, with its share of `max_vus` slots and of `max_queue`.
final class ArrivalExecutor: Executor {
    private let sender: RequestSending
    private let wakes: WakeScheduling
    private let clock: RunClock
    private var pacer: SegmentArrivals
    private let segment: ExecutionSegment
    private var freeSlots: [Int]
    /// Intended start times and arrival numbers of arrivals waiting for a slot (bounded by `maxQueue`).
    private var waiting: [(intended: UInt64, arrival: Int)] = []
    private var waitingHead = 0
    private let maxQueue: Int
    private var startMicros: UInt64 = 0
    /// Monotonic time of the next arrival; nil once the schedule has no more.
    private var nextArrival: UInt64?
    /// Number of `nextArrival` in the whole schedule (0-based, counting dropped ones and other segments'), so a trace
    /// source knows which line it is.
    private var arrivalNumber = 0
    private var issuing = true
    private var finished: (() -> Void)?
    private(set) var dropped = 0
    var activeVUs: Int { sender.inFlight }

    init(sender: RequestSending, wakes: WakeScheduling, clock: RunClock, load: Scenario.Load, arrival: Scenario.Arrival,
         maxQueue: Int, seed: UInt64, times: (any ArrivalTimes)? = nil, segment: ExecutionSegment = .whole) {
        self.sender = sender
        self.wakes = wakes
        self.clock = clock
        self.segment = segment
        self.maxQueue = segment.share(of: maxQueue)
        pacer = SegmentArrivals(times: times ?? ArrivalPacer(load: load, arrival: arrival, seed: seed), segment: segment)
        switch load {
        case .constantArrivalRate(_, _, _, _, let maxVUs), .rampingArrivalRate(_, _, _, _, let maxVUs):
            freeSlots = Array((0..<segment.share(of: maxVUs)).reversed())
        default: preconditionFailure("ArrivalExecutor runs open-model loads only")
        }
    }

    func start(at startMicros: UInt64, finished: @escaping () -> Void) {
        self.startMicros = startMicros
        self.finished = finished
        nextArrival = pacer.next().map { startMicros + $0 }
        arrivalNumber = pacer.lastArrival
        guard let first = nextArrival else { stopIssuing(); return }
        wakes.schedule(at: first) { [unowned self] in self.arrive() }
    }

    /// Most arrivals handled in one wake-up: when the schedule runs ahead of what this process can start, the loop
    /// yields to the queue between batches, so timers and stop requests always get their turn.
    static let batch = 1000

    private func arrive() {
        guard issuing else { return }
        let now = clock.nowMicros()
        var handled = 0
        while let intended = nextArrival, intended <= now {
            if handled == Self.batch {
                // Later than anything the current wake-up may still run (WakeQueue runs what is due within 50 µs).
                wakes.schedule(at: now + 100) { [unowned self] in self.arrive() }
                return
            }
            handled += 1
            issue(intended)
        }
        guard let next = nextArrival else { stopIssuing(); return }
        wakes.schedule(at: next) { [unowned self] in self.arrive() }
    }

    /// The arrival due at `intended`: sent when a slot is free, else queued, else dropped; then the next is drawn.
    private func issue(_ intended: UInt64) {
        if let slot = freeSlots.popLast() {
            send(slot: slot, intended: intended, arrival: arrivalNumber)
        } else if waiting.count - waitingHead < maxQueue {
            waiting.append((intended, arrivalNumber))
        } else {
            dropped += 1
        }
        nextArrival = pacer.next().map { startMicros + $0 }
        arrivalNumber = pacer.lastArrival
    }

    /// The schedule's own end: every arrival due by `endMicros` is still issued, however late this process is
    /// (its lateness is in schedule_lag), and none after; a stop asked for by the user drops them instead.
    func endSchedule(at endMicros: UInt64) {
        guard issuing else { return }
        while let intended = nextArrival, intended <= endMicros { issue(intended) }
        stopIssuing()
    }

    private func send(slot: Int, intended: UInt64, arrival: Int) {
        sender.send(vu: segment.global(slot), intendedMicros: intended, stage: pacer.stage(atElapsed: intended &- startMicros), arrival: arrival) { [unowned self] _ in
            if self.waitingHead < self.waiting.count {
                let next = self.waiting[self.waitingHead]
                self.waitingHead += 1
                if self.waitingHead > 1024 && self.waitingHead * 2 > self.waiting.count {
                    self.waiting.removeFirst(self.waitingHead)
                    self.waitingHead = 0
                }
                self.send(slot: slot, intended: next.intended, arrival: next.arrival)
            } else {
                self.freeSlots.append(slot)
                self.checkFinished()
            }
        }
    }

    /// Arrivals still waiting for a slot when the run is cut off count as dropped.
    func dropWaiting() {
        dropped += waiting.count - waitingHead
        waiting.removeAll()
        waitingHead = 0
    }

    func stopIssuing() {
        guard issuing else { return }
        issuing = false
        // Arrivals that were due but never handled when the user stopped the run could not start: they are
        // dropped, not forgotten. (At the schedule's own end `endSchedule` has issued them already.)
        let now = clock.nowMicros()
        while let intended = nextArrival, intended <= now {
            dropped += 1
            nextArrival = pacer.next().map { startMicros + $0 }
            arrivalNumber = pacer.lastArrival
        }
        checkFinished()
    }

    private func checkFinished() {
        guard !issuing, sender.inFlight == 0, waitingHead >= waiting.count, let f = finished else { return }
        finished = nil
        f()
    }
}
