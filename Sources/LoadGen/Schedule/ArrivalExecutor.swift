import Foundation
import Stats

/// The open model (k6 `constant-arrival-rate` / `ramping-arrival-rate`): requests arrive on a seeded schedule
/// whatever the server does; an arrival that finds all `max_vus` slots busy waits in a FIFO of `max_queue`
/// or is counted as dropped, never delayed silently. The pacer decides when; this only acts on it. In a segment it
/// sends only the arrivals the segment owns, with its share of `max_vus` slots and of `max_queue`.
final class ArrivalExecutor: Executor {
    private let sender: RequestSending
    private let wakes: WakeScheduling
    private let clock: RunClock
    private var pacer: SegmentArrivals
    private let segment: ExecutionSegment
    private var freeSlots: [Int]
    /// Intended start times of arrivals waiting for a slot (bounded by `maxQueue`).
    private var waiting: [UInt64] = []
    private var waitingHead = 0
    private let maxQueue: Int
    private var startMicros: UInt64 = 0
    /// Monotonic time of the next arrival; nil once the schedule has no more.
    private var nextArrival: UInt64?
    private var issuing = true
    private var finished: (() -> Void)?
    private(set) var dropped = 0
    var activeVUs: Int { sender.inFlight }

    init(sender: RequestSending, wakes: WakeScheduling, clock: RunClock, load: Scenario.Load, arrival: Scenario.Arrival,
         maxQueue: Int, seed: UInt64, segment: ExecutionSegment = .whole) {
        self.sender = sender
        self.wakes = wakes
        self.clock = clock
        self.segment = segment
        self.maxQueue = segment.share(of: maxQueue)
        pacer = SegmentArrivals(pacer: ArrivalPacer(load: load, arrival: arrival, seed: seed), segment: segment)
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
            if let slot = freeSlots.popLast() {
                send(slot: slot, intended: intended)
            } else if waiting.count - waitingHead < maxQueue {
                waiting.append(intended)
            } else {
                dropped += 1
            }
            nextArrival = pacer.next().map { startMicros + $0 }
        }
        guard let next = nextArrival else { stopIssuing(); return }
        wakes.schedule(at: next) { [unowned self] in self.arrive() }
    }

    private func send(slot: Int, intended: UInt64) {
        sender.send(vu: segment.global(slot), intendedMicros: intended, stage: pacer.rate.stage(atElapsed: intended &- startMicros)) { [unowned self] _ in
            if self.waitingHead < self.waiting.count {
                let next = self.waiting[self.waitingHead]
                self.waitingHead += 1
                if self.waitingHead > 1024 && self.waitingHead * 2 > self.waiting.count {
                    self.waiting.removeFirst(self.waitingHead)
                    self.waitingHead = 0
                }
                self.send(slot: slot, intended: next)
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
        // Arrivals that were due but never handled (the schedule ran ahead of the process) could not start:
        // they are dropped, not forgotten.
        let now = clock.nowMicros()
        while let intended = nextArrival, intended <= now {
            dropped += 1
            nextArrival = pacer.next().map { startMicros + $0 }
        }
        checkFinished()
    }

    private func checkFinished() {
        guard !issuing, sender.inFlight == 0, waitingHead >= waiting.count, let f = finished else { return }
        finished = nil
        f()
    }
}
