import Foundation

/// One replica's gauges as of its latest step, summed over replicas for /sim/stats and /metrics.
struct ReplicaGauges {
    /// Requests queued or running.
    var inFlight = 0
    /// Requests waiting for admission.
    var queued = 0
    /// Sequences in the running batch.
    var batch = 0
    /// Non-base adapters loaded (Ready).
    var loaded = 0
    /// Σ(input + max_new_tokens) reserved by the batch.
    var batchTokens = 0

    static func + (a: ReplicaGauges, b: ReplicaGauges) -> ReplicaGauges {
        ReplicaGauges(inFlight: a.inFlight + b.inFlight, queued: a.queued + b.queued, batch: a.batch + b.batch,
                      loaded: a.loaded + b.loaded, batchTokens: a.batchTokens + b.batchTokens)
    }
}

/// State read from any thread (ground truth, counters, metrics) and written by the engines' loop.
///
/// Threading: every method may be called from any thread. `@unchecked Sendable` because every stored
/// property is only touched while holding `lock`; the engine takes the lock once per step and once
/// per finished request, never per token.
final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private let maxRecords = 200_000
    private let config: SimConfig
    private var records: [SimRequestRecord] = []
    private var recordStart = 0  // ring start once full
    private var stats = SimStats.zero
    private var schedErr = MicrosHistogram()
    private var stepLate = MicrosHistogram()
    private var metrics: LoraxMetrics
    private var perReplica: [ReplicaGauges]

    init(config: SimConfig, replicas: Int = 1) {
        self.config = config
        perReplica = Array(repeating: ReplicaGauges(), count: max(1, replicas))
        metrics = LoraxMetrics(config: config)
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Clears ground truth, counters and histograms (gauges are refreshed by the engine).
    func reset() {
        withLock {
            records = []
            recordStart = 0
            stats = .zero
            schedErr = MicrosHistogram()
            stepLate = MicrosHistogram()
            metrics = LoraxMetrics(config: config)
        }
    }

    // MARK: engine-side updates (called on the engine loop)

    /// Counts one generation request as it arrives at the gateway.
    func countRequest() { withLock { stats.requests += 1 } }

    /// Folds one finished request into ground truth and metrics.
    func finish(_ r: SimRequestRecord, success: Bool, failureLabel: String?, queueSeconds: Double?, inferenceSeconds: Double?, totalSeconds: Double) {
        withLock {
            if records.count < maxRecords {
                records.append(r)
            } else {
                records[recordStart] = r
                recordStart = (recordStart + 1) % maxRecords
            }
            if success {
                stats.succeeded += 1
                metrics.observeSuccess(r, queueSeconds: queueSeconds, inferenceSeconds: inferenceSeconds, totalSeconds: totalSeconds)
            } else {
                stats.failed += 1
                if let l = failureLabel {
                    metrics.observeFailure(l)
                    if l == "dropped" { stats.dropped += 1 }
                }
            }
            if r.cold { stats.coldRequests += 1 }
        }
    }

    /// Per-step counters, scheduling-error samples and the replica's gauges.
    func stepDone(_ replica: Int, lateness: UInt64, tokens: Int, schedErrors: UnsafeBufferPointer<UInt64>, prefill: Bool, gauges: ReplicaGauges) {
        withLock {
            stats.steps += 1
            stepLate.record(lateness)
            stats.tokensWritten += tokens
            for e in schedErrors { schedErr.record(e) }
            metrics.observeStep(prefill: prefill)
            perReplica[replica] = gauges
        }
    }

    /// The replica's gauges when it goes idle (no step ran).
    func gauges(_ replica: Int, _ gauges: ReplicaGauges) {
        withLock { perReplica[replica] = gauges }
    }

    /// Gauges summed over replicas; call with the lock held.
    private func sumGauges() -> ReplicaGauges { perReplica.reduce(ReplicaGauges(), +) }

    /// Counts one completed adapter load.
    func adapterLoaded() { withLock { stats.adapterLoads += 1 } }
    /// Counts one adapter offload (idle eviction or cycle swap).
    func adapterEvicted() { withLock { stats.adapterEvictions += 1 } }
    /// Counts keep-alive comments written by one sweep.
    func keepAlives(_ n: Int) { withLock { stats.keepAlivesWritten += n } }

    // MARK: readers (any thread)

    /// Ground truth, oldest first.
    func allRecords() -> [SimRequestRecord] {
        withLock { Array(records[recordStart...] + records[..<recordStart]) }
    }

    /// Counters, summed gauges and scheduling-error percentiles.
    func snapshot() -> SimStats {
        withLock {
            var s = stats
            let g = sumGauges()
            (s.inFlight, s.queued, s.batchSize, s.loadedAdapters) = (g.inFlight, g.queued, g.batch, g.loaded)
            s.schedulingErrorSamples = Int(schedErr.total)
            s.schedulingErrorP50Micros = schedErr.percentile(50)
            s.schedulingErrorP99Micros = schedErr.percentile(99)
            s.schedulingErrorP999Micros = schedErr.percentile(99.9)
            s.schedulingErrorMaxMicros = schedErr.max
            s.stepLatenessP99Micros = stepLate.percentile(99)
            s.stepLatenessMaxMicros = stepLate.max
            return s
        }
    }

    /// Prometheus text exposition with LoRAX's metric names plus `lorax_sim_*` extras.
    func prometheus() -> String {
        withLock { metrics.render(stats: stats, gauges: sumGauges(), schedulingErrorP99Micros: schedErr.percentile(99)) }
    }
}
