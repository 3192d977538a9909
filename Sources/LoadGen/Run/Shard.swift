import Foundation
import Stats

/// One shard of a run: an event loop with its own curl multi, driver, wake-ups and executor, sending its
/// `segment` of the load (k6's execution-segment striping, `ExecutionSegment`). A run of one shard is the whole
/// run on one loop; with more, each loop is one core's worth of sockets and parsing, and every shard's records go
/// to the one recorder, so the results are merged exactly (each request is one record, whichever shard sent it).
/// Threading: everything but `loop` is confined to `loop`.
final class Shard: @unchecked Sendable {  // @unchecked: state confined to `loop`.
    let loop: TransportLoop
    /// Which shard this is (0 sends the warm-up; names its transport trace).
    let index: Int
    let segment: ExecutionSegment
    private(set) var multi: CurlMulti?
    private(set) var driver: LoadDriver?
    /// The run's own wake-ups (the scheduled end's cut-off); the executor has its own, which stopping it cancels.
    private(set) var wakes: WakeQueue?
    private var executorWakes: WakeQueue?
    private(set) var executor: Executor?
    private var cutOffScheduled = false

    init(kind: TransportLoopKind, index: Int, segment: ExecutionSegment, realtime: Bool = false) {
        loop = kind.make(label: "lorabench.transport.\(index)", realtime: realtime)
        self.index = index
        self.segment = segment
    }

    /// Shard `j` of `k` inside a process that is itself `process` of the whole run: striping composes, so
    /// segment `i + n·j` of `n·k` owns a subset of what `i/n` owns and shards' sequence numbers stay disjoint.
    static func segment(_ j: Int, of k: Int, in process: ExecutionSegment) -> ExecutionSegment {
        (try? ExecutionSegment(index: process.index + process.count * j, count: process.count * k)) ?? process
    }

    func setUp(scenario: Scenario, factory: RequestFactory, settings: TransferSettings, clock: RunClock, runId: String,
               touched: AdapterTouches, onRecord: @escaping (RequestRecord) -> Void) {
        loop.sync {
            let m = CurlMulti(loop: loop, maxConnections: segment.share(of: scenario.load.maxInFlight) + 8, shard: index)
            multi = m
            wakes = WakeQueue(loop: loop, clock: clock)
            driver = LoadDriver(multi: m, factory: factory, settings: settings, clock: clock, runId: runId, segment: segment,
                                touched: touched, onRecord: onRecord)
        }
    }

    /// Opens the shard's window at `start`; `finished` runs on the loop once its executor is done.
    /// `times` replaces the seeded pacer for an open model (a trace's own offsets).
    func startWindow(scenario: Scenario, clock: RunClock, start: UInt64, times: (any ArrivalTimes)? = nil, abortRequested: Bool,
                     stopping: Bool, finished: @escaping @Sendable () -> Void) {
        let handed = HandedOver(times)
        loop.async { [self] in
            let times = handed.value
            let executorWakes = WakeQueue(loop: loop, clock: clock)
            self.executorWakes = executorWakes
            let ex: Executor
            switch scenario.load {
            case .constantVUs, .rampingVUs:
                ex = VUExecutor(sender: driver!, wakes: executorWakes, clock: clock, load: scenario.load, thinkTime: scenario.thinkTime,
                                failureBackoff: scenario.failureBackoff, startSpread: scenario.vuStartSpread, segment: segment)
            case .constantArrivalRate, .rampingArrivalRate:
                ex = ArrivalExecutor(sender: driver!, wakes: executorWakes, clock: clock, load: scenario.load, arrival: scenario.arrival,
                                     maxQueue: scenario.maxQueue, seed: scenario.seed, times: times, segment: segment)
            }
            executor = ex
            // The schedule's own end, plus graceful_stop, bounds the run even if streams hang.
            let end = start + UInt64(scenario.load.duration.microseconds)
            wakes!.schedule(at: end) { [self] in
                executor?.endSchedule(at: end)
                scheduleCutOff(after: scenario.gracefulStop, clock: clock)
            }
            driver!.windowStartMicros = start
            ex.start(at: start, finished: finished)
            // A signal that arrived while the window was being set up.
            if abortRequested {
                ex.stopIssuing()
                driver!.cutOffInFlight()
            } else if stopping {
                scheduleCutOff(after: scenario.gracefulStop, clock: clock)
            }
        }
    }

    /// Graceful stop: no new requests; those in flight get `grace` to finish.
    func stop(grace: Duration, clock: RunClock) {
        loop.async { [self] in
            // Before the window (warm-up in flight) there is nothing to wait for: end the warm-up now.
            guard let executor else { driver?.cutOffInFlight(); return }
            executor.stopIssuing()
            scheduleCutOff(after: grace, clock: clock)
        }
    }

    /// Immediate stop: in-flight requests are cut off now.
    func abort() {
        loop.async { [self] in
            guard let executor else { driver?.cutOffInFlight(); return }
            executor.stopIssuing()
            executor.dropWaiting()
            driver?.cutOffInFlight()
        }
    }

    private func scheduleCutOff(after grace: Duration, clock: RunClock) {
        guard !cutOffScheduled, let wakes else { return }
        cutOffScheduled = true
        executor?.stopIssuing()
        wakes.schedule(at: clock.nowMicros() + UInt64(grace.microseconds)) { [self] in
            executor?.dropWaiting()
            driver?.cutOffInFlight()
        }
    }

    var activeVUs: Int { loop.sync { executor?.activeVUs ?? 0 } }

    /// After the window: what the shard could not send or measure; closes its connections.
    func finish() -> (dropped: Int, interrupted: Int) {
        loop.sync {
            let d = executor?.dropped ?? 0, i = driver?.interrupted ?? 0
            wakes?.cancelAll()
            executorWakes?.cancelAll()
            multi?.shutdown()
            return (d, i)
        }
    }

    /// Ends a run that never opened its window.
    func teardown() {
        loop.sync { multi?.abortAll(.incomplete, message: "run ended"); multi?.shutdown() }
    }
}

/// A value made on one thread and from then on used only by the loop it is handed to (a trace's arrival reader).
private struct HandedOver<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
