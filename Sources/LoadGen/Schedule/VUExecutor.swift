import Stats

/// The closed model (k6 `constant-vus` / `ramping-vus`): each VU sends, waits for the end of the stream,
/// thinks, and sends again. `t_intended` is the moment the VU became free after its think time.
/// The VU target is looked at every 20 ms (ramps start and retire VUs on that tick). In a segment, local VU `k` is
/// the whole run's VU `segment.global(k)`, and the segment runs its share of the whole target at every tick.
final class VUExecutor: Executor {
    static let tickMicros: UInt64 = 20_000
    private let sender: RequestSending
    private let wakes: WakeScheduling
    private let clock: RunClock
    private let schedule: StageSchedule
    private let thinkMicros: UInt64
    private let backoffMicros: UInt64
    private let spreadMicros: UInt64
    private let segment: ExecutionSegment
    /// VUs the whole run may have at once (every segment's together), for the start spread.
    private let wholeCapacity: Int
    private var startMicros: UInt64 = 0
    private var running: [Bool]
    private var wanted = 0
    private var issuing = true
    private var finished: (() -> Void)?
    private(set) var activeVUs = 0
    let dropped = 0

    /// `wakes` must belong to this executor alone: stopping cancels all of its wake-ups.
    init(sender: RequestSending, wakes: WakeScheduling, clock: RunClock, load: Scenario.Load, thinkTime: Duration,
         failureBackoff: Duration = .zero, startSpread: Duration = .zero, segment: ExecutionSegment = .whole) {
        self.sender = sender
        self.wakes = wakes
        self.clock = clock
        switch load {
        case .constantVUs(let n, let d): schedule = StageSchedule(start: Double(n), stages: [.init(duration: d, target: Double(n))])
        case .rampingVUs(let s, let stages): schedule = StageSchedule(start: Double(s), stages: stages)
        default: preconditionFailure("VUExecutor runs closed-model loads only")
        }
        thinkMicros = UInt64(thinkTime.microseconds)
        backoffMicros = UInt64(failureBackoff.microseconds)
        spreadMicros = UInt64(max(0, startSpread.microseconds))
        self.segment = segment
        wholeCapacity = max(1, load.maxInFlight)
        running = Array(repeating: false, count: max(1, segment.share(of: load.maxInFlight)))
    }

    func start(at startMicros: UInt64, finished: @escaping () -> Void) {
        self.startMicros = startMicros
        self.finished = finished
        tick()
    }

    private func tick() {
        guard issuing else { return }
        let now = clock.nowMicros()
        let elapsed = now &- startMicros
        guard elapsed < schedule.totalMicros else { stopIssuing(); return }
        let whole = min(wholeCapacity, Int(schedule.value(atElapsed: elapsed).rounded(.down)))
        wanted = min(running.count, segment.share(of: whole))
        for i in 0..<wanted where !running[i] {
            running[i] = true
            activeVUs += 1
            // VU j of n (the whole run's numbers) starts no earlier than j/n of the spread into the window.
            let earliest = startMicros + spreadMicros * UInt64(segment.global(i)) / UInt64(wholeCapacity)
            if earliest > now {
                wakes.schedule(at: earliest) { [unowned self] in self.iterate(i, intended: earliest) }
            } else {
                iterate(i, intended: now)
            }
        }
        wakes.schedule(at: now + Self.tickMicros) { [unowned self] in self.tick() }
    }

    private func iterate(_ vu: Int, intended: UInt64) {
        guard issuing, vu < wanted else {
            running[vu] = false
            activeVUs -= 1
            checkFinished()
            return
        }
        sender.send(vu: segment.global(vu), intendedMicros: intended, stage: schedule.stage(atElapsed: intended &- startMicros)) { [unowned self] failed in
            let now = self.clock.nowMicros()
            // Think time follows every request; a failure with no think time still waits the back-off.
            let pause = self.thinkMicros > 0 ? self.thinkMicros : (failed ? self.backoffMicros : 0)
            if pause == 0 || !self.issuing {
                self.iterate(vu, intended: now)
            } else {
                let at = now + pause
                self.wakes.schedule(at: at) { [unowned self] in self.iterate(vu, intended: at) }
            }
        }
    }

    /// A closed model has nothing due at its end: VUs simply stop starting iterations.
    func endSchedule(at endMicros: UInt64) { stopIssuing() }

    func stopIssuing() {
        guard issuing else { return }
        issuing = false
        // VUs sleeping in their think time end now; this scheduler holds only this executor's wake-ups.
        wakes.cancelAll()
        checkFinished()
    }

    func dropWaiting() {}

    private func checkFinished() {
        guard !issuing, sender.inFlight == 0, let f = finished else { return }
        activeVUs = 0
        finished = nil
        f()
    }
}
