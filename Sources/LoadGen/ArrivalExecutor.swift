import Dispatch
import Foundation
import Stats

/// The open model (k6 `constant-arrival-rate` / `ramping-arrival-rate`): requests arrive on a seeded schedule
/// whatever the server does; an arrival that finds all `max_vus` slots busy is counted as dropped, never delayed.
final class ArrivalExecutor: Executor, @unchecked Sendable {  // @unchecked: confined to the transport queue.
    private let driver: LoadDriver
    private let wakes: WakeQueue
    private let rate: StageSchedule  // arrivals per second
    private let arrival: Scenario.Arrival
    private var rng: SplitMix64
    private var freeSlots: [Int]
    /// Intended start times of arrivals waiting for a slot (bounded by `maxQueue`).
    private var waiting: [UInt64] = []
    private var waitingHead = 0
    private let maxQueue: Int
    private var startMicros: UInt64 = 0
    private var nextArrival: UInt64 = 0
    private var issuing = true
    private var finished: (() -> Void)?
    private(set) var dropped = 0
    var activeVUs: Int { driver.inFlight }

    init(driver: LoadDriver, wakes: WakeQueue, load: Scenario.Load, arrival: Scenario.Arrival, maxQueue: Int, seed: UInt64) {
        self.driver = driver
        self.maxQueue = maxQueue
        self.wakes = wakes
        self.arrival = arrival
        rng = SplitMix64(seed: seed, stream: 2, index: 0)
        switch load {
        case .constantArrivalRate(let r, let unit, let d, _, let maxVUs):
            rate = StageSchedule(start: r / unit.seconds, stages: [.init(duration: d, target: r / unit.seconds)])
            freeSlots = Array((0..<maxVUs).reversed())
        case .rampingArrivalRate(let start, let unit, let stages, _, let maxVUs):
            rate = StageSchedule(start: start / unit.seconds,
                                 stages: stages.map { .init(duration: $0.duration, target: $0.target / unit.seconds) })
            freeSlots = Array((0..<maxVUs).reversed())
        default: preconditionFailure("ArrivalExecutor runs open-model loads only")
        }
    }

    func start(at startMicros: UInt64, finished: @escaping () -> Void) {
        self.startMicros = startMicros
        self.finished = finished
        nextArrival = startMicros + gap(at: 0, first: true)
        wakes.schedule(at: nextArrival) { [unowned self] in self.arrive() }
    }

    private func arrive() {
        guard issuing else { return }
        let now = MonotonicClock.nowMicros()
        let end = startMicros + rate.totalMicros
        while nextArrival <= now && nextArrival < end {
            let intended = nextArrival
            if let slot = freeSlots.popLast() {
                send(slot: slot, intended: intended)
            } else if waiting.count - waitingHead < maxQueue {
                waiting.append(intended)
            } else {
                dropped += 1
            }
            nextArrival = intended + gap(at: intended - startMicros, first: false)
        }
        if nextArrival >= end { stopIssuing(); return }
        wakes.schedule(at: nextArrival) { [unowned self] in self.arrive() }
    }

    private func send(slot: Int, intended: UInt64) {
        driver.send(vu: slot, intendedMicros: intended, stage: rate.stage(atElapsed: intended &- startMicros)) { [unowned self] in
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

    /// Microseconds to the next arrival at the rate in force at `elapsed`.
    private func gap(at elapsed: UInt64, first: Bool) -> UInt64 {
        let perSecond = rate.value(atElapsed: elapsed)
        guard perSecond > 0 else { return 10_000 }  // a zero rate: look again in 10 ms
        let mean = 1_000_000 / perSecond
        switch arrival {
        case .uniform: return first ? 0 : UInt64(mean.rounded())
        case .poisson: return UInt64((-log(1 - rng.nextUnit()) * mean).rounded())
        case .gamma(let shape): return UInt64((gammaSample(shape: shape) * mean / shape).rounded())
        }
    }

    /// Marsaglia–Tsang gamma(shape, 1) sampling.
    private func gammaSample(shape: Double) -> Double {
        if shape < 1 { return gammaSample(shape: shape + 1) * pow(max(rng.nextUnit(), 1e-300), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
            let x = sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
            let v = pow(1 + c * x, 3)
            if v <= 0 { continue }
            let u = rng.nextUnit()
            if log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    func stopIssuing() {
        guard issuing else { return }
        issuing = false
        checkFinished()
    }

    private func checkFinished() {
        guard !issuing, driver.inFlight == 0, waitingHead >= waiting.count, let f = finished else { return }
        finished = nil
        f()
    }
}
