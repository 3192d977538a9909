import Dispatch
import Foundation
import Stats

/// How a run is carried out, beyond the scenario itself.
public struct RunOptions: Sendable {
    /// Explicit results folder (`--out`); otherwise `resultsRoot/<UTC timestamp>-<name>`.
    public var outDir: String?
    public var resultsRoot: String = "results"
    /// Things that run beside the run and see its progress once a second (the CLI's progress line among them).
    public var collectors: [RunCollector] = []
    /// The bearer token, read by the caller from the scenario's `auth_env`; never written anywhere.
    public var bearerToken: String?
    /// Prefix of every request's `x-request-id`; a fresh one per run when nil.
    public var runId: String?
    /// Also write requests.jsonl (`--jsonl`).
    public var jsonLines = false
    /// `--tag` labels, kept in summary.json.
    public var tags: [String: String] = [:]
    /// The share of the load this process sends (`--segment i/n`); the whole run by default.
    public var segment: ExecutionSegment = .whole
    /// Event loops sharing this process's load (`--shards`), each with its segment of it; 1 is one loop for everything.
    public var shards: Int = 1
    /// `--realtime`: the event loops run under SCHED_FIFO (`RealtimeLoop.priority`), so a server spinning on the
    /// same cores cannot keep them waiting for a CPU; the run fails at once when the kernel refuses.
    public var realtime = false
    /// Wall-clock instant the measured window opens (`--start-at`), shared by every segment of a run; the health
    /// wait and warm-up happen before it. A process ready after it starts at once and records how late it was.
    public var startAt: Date?
    /// The lorabench version written into summary.json.
    public var version: String = "0.0.0"
    /// Where progress messages (health wait, warm-up failures) go; silent by default.
    public var log: @Sendable (String) -> Void = { _ in }

    public init() {}
}

/// What a finished run produced.
public struct RunOutcome: Sendable {
    public var summary: RunSummary
    public var directory: String
}

/// A run that could not be carried out (as opposed to failed requests, which are data).
public enum RunError: Error, CustomStringConvertible, Sendable {
    case unhealthy(String)
    case output(String)
    case interruptedBeforeStart

    public var description: String {
        switch self {
        case .unhealthy(let m): return "health check failed: \(m)"
        case .output(let m): return m
        case .interruptedBeforeStart: return "interrupted before the measured window started; no results written"
        }
    }
}

/// Carries out one scenario against one base URL: health wait, warm-up, the measured window, result files.
/// Threading: curl, executors and drivers live on the shards' event loops (`Shard`); records are folded on
/// `statsQueue`; `stop()` and `abort()` may be called from any thread (signal handlers).
public final class Runner: @unchecked Sendable {  // @unchecked: state below is confined to the queues named on each.
    public let scenario: Scenario
    public let baseURL: String
    public let options: RunOptions
    private let clock: RunClock = SystemClock()
    /// The transport's event loops, one per shard (`LORABENCH_EVENT_LOOP` picks the kind); shard 0 also sends the warm-up.
    private let shards: [Shard]
    private let statsQueue = DispatchQueue(label: "lorabench.stats")
    private let lock = NSLock()
    private var stopRequested = false      // lock
    private var abortRequested = false     // lock
    private var writeFailure: ResultWriteError?  // lock
    private var abortedBy: String?               // lock: the abortOnFail threshold that stopped the run
    /// The caller's collectors plus the server-metrics scraper when the scenario asks for one.
    private let collectors: [RunCollector]

    public init(scenario: Scenario, baseURL: String, options: RunOptions) {
        self.scenario = scenario
        self.baseURL = baseURL
        self.options = options
        let kind = TransportLoopKind.fromEnvironment(ProcessInfo.processInfo.environment)
        // No shard without a VU or slot of its own: an empty shard would drop every arrival it owns.
        // A trace is one file read in order: its arrivals are replayed by one loop (segments split it across processes).
        var isTrace = false
        if case .trace = scenario.workload.source { isTrace = true }
        let k = isTrace ? 1 : max(1, min(options.shards, scenario.load.maxInFlight))
        if isTrace && options.shards > 1 { options.log("note: a trace workload replays on one shard (--shards \(options.shards) ignored)") }
        shards = (0..<k).map { Shard(kind: kind, index: $0, segment: Shard.segment($0, of: k, in: options.segment), realtime: options.realtime) }
        collectors = options.collectors + ServerMetricsCollector.forScenario(scenario, baseURL: baseURL, bearerToken: options.bearerToken,
                                                                             log: options.log)
            + QualityCollector.forScenario(scenario)
    }

    /// Graceful stop: no new requests; in-flight ones get `graceful_stop` to finish, then results are written.
    public func stop() {
        lock.withLock { stopRequested = true }
        for shard in shards { shard.stop(grace: scenario.gracefulStop, clock: clock) }
    }

    /// Immediate stop: in-flight requests are cut off now; results of finished ones are still written.
    public func abort() {
        lock.withLock { stopRequested = true; abortRequested = true }
        for shard in shards { shard.abort() }
    }

    private var isStopping: Bool { lock.withLock { stopRequested } }

    /// A result file that cannot be written stops the run at once: measuring on would only lose more records.
    private func checkWrites(_ rec: RunRecorder) {
        guard let failure = rec.writeFailure else { return }
        let first = lock.withLock { () -> Bool in
            defer { if writeFailure == nil { writeFailure = failure } }
            return writeFailure == nil
        }
        if first { abort() }
    }

    public func run() async throws -> RunOutcome {
        defer { for shard in shards { shard.loop.close() } }
        // Before anything is sent: a real-time loop asked for and refused is the user's to fix, not to run without.
        if let why = shards.lazy.compactMap(\.loop.realtimeFailure).first { throw RunError.output(why) }
        let settings = TransferSettings(scenario: scenario, bearerToken: options.bearerToken)
        let dir: String
        do { dir = try ResultsDirectory.plan(explicit: options.outDir, root: options.resultsRoot, scenarioName: scenario.name) }
        catch { throw RunError.output("\(error)") }
        if options.outDir == nil {
            for (folder, files) in ResultsDirectory.leftovers(under: options.resultsRoot) {
                options.log("note: \(folder) holds an unfinished run (\(files.joined(separator: ", ")), no summary.json): "
                            + "it was killed before it ended; its rows up to its last second are readable there")
            }
        }
        // An embedded simulator holds the server end of every connection in this same process.
        let embedded: Bool
        if case .simulator = scenario.target.endpoint { embedded = true } else { embedded = false }
        do { _ = try FileLimit.ensure(forConnections: (scenario.load.maxInFlight + 1) * (embedded ? 2 : 1)) }
        catch { throw RunError.output("\(error)") }

        if scenario.health.enabled {
            options.log("waiting for \(TargetURL.redacted(TargetURL.join(baseURL, "/health"))) (up to \(DurationText.format(scenario.health.timeout)))")
            try await blocking { [self] in
                do {
                    try HealthProbe.wait(baseURL: baseURL, settings: settings, interval: scenario.health.interval,
                                         timeout: scenario.health.timeout, cancelled: { [self] in isStopping },
                                         progress: options.log)
                } catch let f as HealthProbe.Failure {
                    if isStopping { throw RunError.interruptedBeforeStart }
                    throw RunError.unhealthy(f.description)
                }
            }
        }
        if isStopping { throw RunError.interruptedBeforeStart }

        if case .dataset(let d) = scenario.workload.source, d.skipped > 0 {
            options.log("dataset: \(d.skipped) bad rows of \(d.file) skipped (skip_invalid); the first: \(d.firstSkipped ?? "?")")
        }
        let factory: RequestFactory
        do { factory = try RequestFactory(scenario: scenario, baseURL: baseURL) } catch { throw RunError.output("\(error)") }
        let runId = options.runId ?? Self.newRunId()
        let recorderBox = RecorderBox()
        let breakdown = WorkloadBreakdown.forScenario(scenario)
        let touched = AdapterTouches()
        for shard in shards {
            shard.setUp(scenario: scenario, factory: factory, settings: settings, clock: clock, runId: runId, touched: touched) { [self] record in
                statsQueue.async { [self] in
                    guard let rec = recorderBox.recorder else { return }
                    rec.add(record)
                    breakdown?.add(record)
                    for c in collectors { c.record(record) }
                    checkWrites(rec)
                }
            }
        }

        var warmup: RunSummary.Warmup?
        if scenario.health.warmup {
            let warm = await warmUp(factory)
            warmup = RunSummary.Warmup(warm)
            if let e = warm.errorClass {
                options.log("warm-up request failed (\(e.rawValue): \(warm.errorMessage ?? "")); measuring anyway")
            }
        }
        if isStopping { teardown(); throw RunError.interruptedBeforeStart }
        await sendIdleRequests(factory, runId: runId)
        if isStopping { teardown(); throw RunError.interruptedBeforeStart }
        if let startAt = options.startAt, startAt > Date() {
            options.log("waiting until \(Self.iso(startAt)) (--start-at) to open the window")
            await waitUntil(startAt)
            if isStopping { teardown(); throw RunError.interruptedBeforeStart }
        }

        let folderLock: ResultsLock
        do { folderLock = try ResultsDirectory.claim(dir) } catch { teardown(); throw RunError.output("\(error)") }
        defer { folderLock.release() }
        statsQueue.sync { for c in collectors { c.windowWillOpen(resultsDirectory: dir) } }
        let start = clock.nowMicros()
        let startedAt = Date()
        do {
            recorderBox.recorder = try RunRecorder(directory: dir, windowStartMicros: start, slo: scenario.slo, jsonLines: options.jsonLines)
        } catch {
            teardown()
            throw RunError.output("\(error)")
        }
        let cpuWait = LoopCPUWait(threadIDs: shards.map { $0.loop.threadID })
        statsQueue.sync { cpuWait.sample() }
        let ticker = startTicker(recorderBox, start: start, cpuWait: cpuWait)

        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // The window ends when every shard's executor has: the last one to finish resumes.
            let left = ShardCountdown(shards.count)
            let aborting = lock.withLock { abortRequested }
            let stopping = isStopping
            for shard in shards {
                // A trace's own times replace the pacer; the source holds the file both read.
                let times = (factory.prompts as? TracePrompts).map {
                    TraceArrivals(replay: $0.replay, limitMicros: UInt64(scenario.load.duration.microseconds))
                }
                shard.startWindow(scenario: scenario, clock: clock, start: start, times: times, abortRequested: aborting, stopping: stopping) {
                    if left.done() { done.resume() }
                }
            }
        }
        let end = clock.nowMicros()
        ticker.cancel()
        let waited = statsQueue.sync { () -> RunSummary.CPUWait? in
            cpuWait.sample()
            return cpuWait.summary
        }
        if let trace = factory.prompts as? TracePrompts, let why = trace.replay.failure { options.log("trace replay stopped early: \(why)") }
        let ends = shards.map { $0.finish() }
        let dropped = ends.reduce(0) { $0 + $1.dropped }, interrupted = ends.reduce(0) { $0 + $1.interrupted }
        // A segment is asked for its share of the arrivals: 1/n of the whole rate.
        let requestedRate = Self.meanRate(scenario.load).map { $0 / Double(options.segment.count) }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let window = Double(end - start) / 1_000_000
        var runInfo = RunSummary.Run(
            scenarioName: scenario.name, executor: scenario.load.executorName, target: TargetURL.redacted(baseURL), api: scenario.target.api.rawValue,
            lorabenchVersion: options.version, host: Self.hostDescription(), startedAt: iso.string(from: startedAt),
            endedAt: iso.string(from: startedAt.addingTimeInterval(window)), windowSeconds: (window * 1000).rounded() / 1000,
            interrupted: isStopping && lock.withLock({ abortedBy == nil }), requestedRate: requestedRate, scheduledSeconds: scenario.load.duration.seconds)
        runInfo.runId = runId
        runInfo.warmup = warmup
        runInfo.clientCPUWait = waited
        runInfo.realtimeLoop = options.realtime ? true : nil
        if let w = waited?.warning { options.log(w) }
        runInfo.abortedByThreshold = lock.withLock { abortedBy }
        runInfo.tags = options.tags.isEmpty ? nil : options.tags
        if !options.segment.isWhole { runInfo.segment = options.segment.description }
        if let startAt = options.startAt {
            runInfo.startAt = Self.iso(startAt)
            // Late by more than the wake-up's own jitter: another segment may have been measuring alone meanwhile.
            let late = startedAt.timeIntervalSince(startAt)
            runInfo.startLateSeconds = late > 0.001 ? (late * 1000).rounded() / 1000 : 0
            if late > 1 {
                options.log("note: the window opened \(DurationText.format(.milliseconds(Int64(late * 1000)))) after --start-at "
                            + "(health wait and warm-up took longer); summary.json run.start_late_seconds says so")
            }
        }
        if let failure = lock.withLock({ writeFailure }) {
            let rows = statsQueue.sync { () -> Int in
                recorderBox.recorder!.abandon()
                return recorderBox.recorder!.aggregate.completed
            }
            throw RunError.output("\(failure); the run was stopped after \(rows) requests. The rows written before the failure "
                                  + "are whole and valid in \(dir)/requests.csv.partial; no summary.json was written")
        }
        let summary: RunSummary = try statsQueue.sync {
            do {
                return try recorderBox.recorder!.finish(run: runInfo, scenario: scenario.resolvedDocument, thresholds: scenario.thresholds,
                                                       dropped: dropped, interrupted: interrupted,
                                                       amend: { s in for c in collectors { c.contribute(to: &s) } })
            } catch {
                throw RunError.output("\(error)")
            }
        }
        statsQueue.sync { for c in collectors { c.finish(resultsDirectory: dir) } }
        if let breakdown {
            let lines = statsQueue.sync { () -> [String] in
                do { try breakdown.write(to: dir) } catch { return ["workload.csv could not be written: \(error)"] }
                return breakdown.lines(dropped: dropped)
            }
            for l in lines { options.log(l) }
        }
        return RunOutcome(summary: summary, directory: dir)
    }

    /// Mean scheduled arrival rate over the window (requests/s), for "requested vs achieved"; nil for closed models.
    static func meanRate(_ load: Scenario.Load) -> Double? {
        switch load {
        case .constantArrivalRate(let r, let unit, _, _, _): return r / unit.seconds
        case .rampingArrivalRate(let s, let unit, let stages, _, _):
            var from = s, area = 0.0, total = 0.0
            for st in stages { area += (from + st.target) / 2 * st.duration.seconds; total += st.duration.seconds; from = st.target }
            return total > 0 ? area / total / unit.seconds : 0
        default: return nil
        }
    }

    /// Sleeps until wall-clock `instant`, waking early when a stop is requested.
    private func waitUntil(_ instant: Date) async {
        while !isStopping {
            let left = instant.timeIntervalSinceNow
            if left <= 0 { return }
            try? await Task.sleep(nanoseconds: UInt64(min(left, 0.2) * 1_000_000_000))
        }
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    private func warmUp(_ factory: RequestFactory) async -> RequestRecord {
        let request = factory.make(prompt: "Hello", adapter: "", maxNewTokens: 1, inputWords: 1)
        return await withCheckedContinuation { (c: CheckedContinuation<RequestRecord, Never>) in
            let shard = shards[0]
            shard.loop.async { shard.driver!.sendUnmeasured(request) { c.resume(returning: $0) } }
        }
    }

    /// The collectors' idle requests (canaries' baselines), one at a time so each meets an otherwise idle server.
    private func sendIdleRequests(_ factory: RequestFactory, runId: String) async {
        var n = 0
        for c in collectors {
            for (tag, prompt) in statsQueue.sync(execute: { c.idleRequests() }) {
                if isStopping { return }
                var prepared = factory.make(prompt: prompt)
                prepared.clientRequestId = "\(runId)-idle-\(n)"
                let request = prepared
                n += 1
                let record = await withCheckedContinuation { (k: CheckedContinuation<RequestRecord, Never>) in
                    let shard = shards[0]
                    shard.loop.async { shard.driver!.sendUnmeasured(request) { k.resume(returning: $0) } }
                }
                statsQueue.sync { c.idleAnswered(tag: tag, record: record) }
            }
        }
        if n > 0 { options.log("sent \(n) idle request(s) (canary baselines) before the window") }
    }

    private func teardown() {
        for shard in shards { shard.teardown() }
    }

    /// Once a second: close the interval (timeseries.csv) and hand the progress to the collectors.
    private func startTicker(_ box: RecorderBox, start: UInt64, cpuWait: LoopCPUWait) -> DispatchSourceTimer {
        let t = DispatchSource.makeTimerSource(queue: statsQueue)
        t.schedule(deadline: .now() + 1, repeating: 1, leeway: .milliseconds(10))
        let total = scenario.load.duration.seconds
        t.setEventHandler { [self] in
            guard let rec = box.recorder else { return }
            cpuWait.sample()
            let active = shards.reduce(0) { $0 + $1.activeVUs }
            let snap = rec.closeInterval(activeVUs: active)
            checkWrites(rec)
            let elapsed = Double(clock.nowMicros() - start) / 1_000_000
            checkAbortThresholds(rec, elapsedSeconds: elapsed)
            guard !collectors.isEmpty else { return }
            let a = rec.aggregate
            let progress = RunProgress(
                elapsedSeconds: elapsed, scheduledSeconds: total, activeVUs: active,
                interval: snap, succeeded: a.succeeded, failed: a.failed,
                ttftP50Micros: rec.liveTTFT.count > 0 ? rec.liveTTFT.percentile(50) : nil)
            for c in collectors { c.observe(progress) }
        }
        t.resume()
        return t
    }

    /// k6's abortOnFail: once a second, thresholds that may abort are checked against the window so far; the first
    /// that fails stops the run gracefully (as a first SIGINT would) and is named in summary.json.
    private func checkAbortThresholds(_ rec: RunRecorder, elapsedSeconds: Double) {
        let watched = scenario.thresholds.filter(\.abortOnFail)
        guard !watched.isEmpty, lock.withLock({ abortedBy == nil && !stopRequested }) else { return }
        let sofar = RunSummary(run: .init(scenarioName: scenario.name, executor: scenario.load.executorName, target: "", api: "",
                                          lorabenchVersion: "", host: "", startedAt: "", endedAt: "", windowSeconds: elapsedSeconds,
                                          interrupted: false, requestedRate: nil),
                               scenario: .null, slo: scenario.slo, aggregate: rec.aggregate)
        guard let crossed = watched.first(where: { $0.failsDuringWindow(sofar, elapsedSeconds: elapsedSeconds) }) else { return }
        lock.withLock { abortedBy = "\(crossed.metric) \(crossed.expression)" }
        options.log("threshold \(crossed.metric) \(crossed.expression) crossed with abortOnFail after \(Int(elapsedSeconds)) s: stopping the run")
        stop()
    }

    private func blocking(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            Thread.detachNewThread {
                do { try body(); c.resume() } catch { c.resume(throwing: error) }
            }
        }
    }

    /// A short id unique enough to find one run's requests in a server's logs.
    static func newRunId() -> String {
        "lb-" + String(UInt32.random(in: 0...UInt32.max), radix: 16, uppercase: false)
    }

    static func hostDescription() -> String {
        "\(ProcessInfo.processInfo.hostName); \(ProcessInfo.processInfo.activeProcessorCount) cores; "
            + ProcessInfo.processInfo.operatingSystemVersionString
    }
}

/// Holds the recorder once the window starts; read and written only on the stats queue after creation.
private final class RecorderBox: @unchecked Sendable {  // @unchecked: set before the first record, then used on statsQueue only.
    var recorder: RunRecorder?
}

/// Counts shards down to the last one that finished its window.
private final class ShardCountdown: @unchecked Sendable {  // @unchecked: `left` is guarded by `lock`.
    private let lock = NSLock()
    private var left: Int
    init(_ n: Int) { left = n }
    /// True for the call that brings the count to zero.
    func done() -> Bool { lock.withLock { left -= 1; return left == 0 } }
}
