import Dispatch
import Stats

/// The closed model (k6 `constant-vus` / `ramping-vus`): each VU sends, waits for the end of the stream,
/// thinks, and sends again. `t_intended` is the moment the VU became free after its think time.
final class VUExecutor: Executor, @unchecked Sendable {  // @unchecked: confined to the transport queue.
    private let driver: LoadDriver
    private let wakes: WakeQueue
    private let schedule: StageSchedule
    private let thinkMicros: UInt64
    private var startMicros: UInt64 = 0
    private var running: [Bool]
    private var wanted = 0
    private var issuing = true
    private var finished: (() -> Void)?
    private var ticker: DispatchSourceTimer?
    private(set) var activeVUs = 0
    let dropped = 0

    init(driver: LoadDriver, wakes: WakeQueue, load: Scenario.Load, thinkTime: Duration) {
        self.driver = driver
        self.wakes = wakes
        switch load {
        case .constantVUs(let n, let d): schedule = StageSchedule(start: Double(n), stages: [.init(duration: d, target: Double(n))])
        case .rampingVUs(let s, let stages): schedule = StageSchedule(start: Double(s), stages: stages)
        default: preconditionFailure("VUExecutor runs closed-model loads only")
        }
        thinkMicros = UInt64(thinkTime.microseconds)
        running = Array(repeating: false, count: max(1, load.maxInFlight))
    }

    func start(at startMicros: UInt64, finished: @escaping () -> Void) {
        self.startMicros = startMicros
        self.finished = finished
        let t = DispatchSource.makeTimerSource(queue: driver.multi.queue)
        t.schedule(deadline: .now(), repeating: .milliseconds(20), leeway: .milliseconds(1))
        t.setEventHandler { [unowned self] in self.tick() }
        ticker = t
        t.resume()
    }

    private func tick() {
        let now = MonotonicClock.nowMicros()
        let elapsed = now - startMicros
        guard elapsed < schedule.totalMicros else { stopIssuing(); return }
        wanted = min(running.count, Int(schedule.value(atElapsed: elapsed).rounded(.down)))
        for i in 0..<wanted where !running[i] {
            running[i] = true
            activeVUs += 1
            iterate(i, intended: now)
        }
    }

    private func iterate(_ vu: Int, intended: UInt64) {
        guard issuing, vu < wanted else {
            running[vu] = false
            activeVUs -= 1
            checkFinished()
            return
        }
        driver.send(vu: vu, intendedMicros: intended, stage: schedule.stage(atElapsed: intended &- startMicros)) { [unowned self] in
            let now = MonotonicClock.nowMicros()
            if self.thinkMicros == 0 || !self.issuing {
                self.iterate(vu, intended: now)
            } else {
                let at = now + self.thinkMicros
                self.wakes.schedule(at: at) { [unowned self] in self.iterate(vu, intended: at) }
            }
        }
    }

    func stopIssuing() {
        guard issuing else { return }
        issuing = false
        ticker?.cancel()
        ticker = nil
        wakes.cancelAll()
        checkFinished()
    }

    private func checkFinished() {
        guard !issuing, driver.inFlight == 0, let f = finished else { return }
        activeVUs = 0
        finished = nil
        f()
    }
}
