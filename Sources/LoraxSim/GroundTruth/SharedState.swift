import Foundation

/// What the server really did for one request; times are CLOCK_MONOTONIC microseconds
/// (`clock_gettime`), the same clock the load generator uses, so client and server times compare
/// directly even across processes.
///
/// Why: tests and benchmarks hold the client's measurements against this ground truth.
public struct SimRequestRecord: Codable, Sendable, Equatable {
    /// x-request-id: echoed from the request header when sent, otherwise generated; always sent back.
    public var id: String
    /// The route after gateway-prefix stripping, e.g. "/generate_stream".
    public var route: String
    /// Adapter id; "" is the base model.
    public var adapter: String
    /// Simulated input tokens.
    public var inputTokens: Int
    /// Effective max_new_tokens (LoRAX's default when the client sent none); 0 when rejected before validation.
    public var maxNewTokens: Int
    /// When the full body was received.
    public var receivedMicros: UInt64
    /// When the request joined the batch (end of queueing); nil if it never did.
    public var admittedMicros: UInt64?
    /// When the first token event was written to the socket (non-stream: when it was generated).
    public var firstTokenMicros: UInt64?
    /// When the last token event was written (non-stream: when it was generated).
    public var lastTokenMicros: UInt64?
    /// Write time of every token event, when `SimConfig.recordTokenTimes` is on.
    public var tokenMicros: [UInt64]?
    /// Tokens generated and sent (the EOS token counts, as in LoRAX's generated_tokens).
    public var outputTokens: Int
    /// This request had to wait for its adapter to be loaded.
    public var cold: Bool
    /// The injected fault, if any (`SimFaultKind` raw value).
    public var fault: String?
    /// HTTP status sent (200 for every stream route once headers went out; 499 when the client went away first).
    public var status: Int
    /// error_type of an error answer (in-stream or not), if any.
    public var errorType: String?
    /// finish_reason ("length", "eos_token") when the request completed.
    public var finishReason: String?

    enum CodingKeys: String, CodingKey {
        case id, route, adapter
        case inputTokens = "input_tokens", maxNewTokens = "max_new_tokens"
        case receivedMicros = "received_micros", admittedMicros = "admitted_micros"
        case firstTokenMicros = "first_token_micros", lastTokenMicros = "last_token_micros"
        case tokenMicros = "token_micros", outputTokens = "output_tokens"
        case cold, fault, status
        case errorType = "error_type", finishReason = "finish_reason"
    }
}

/// Counters the simulator keeps about itself (same as GET /sim/stats).
///
/// Why: benchmarks check that the simulator is never the bottleneck (scheduling error) and tests
/// check adapter churn without scraping Prometheus text.
public struct SimStats: Codable, Sendable, Equatable {
    /// Generation requests received (every POST to a generation route with a complete body).
    public var requests: Int
    /// Requests that ended with a final event / full response.
    public var succeeded: Int
    /// Requests that ended otherwise (validation, overload, fault, dropped).
    public var failed: Int
    /// Requests dropped because the client went away.
    public var dropped: Int
    /// Queued + running right now.
    public var inFlight: Int
    /// Waiting for admission right now.
    public var queued: Int
    /// Sequences in the running batch right now.
    public var batchSize: Int
    /// Token events written (stream) or generated (non-stream).
    public var tokensWritten: Int
    /// Engine steps run.
    public var steps: Int
    /// Non-base adapters loaded (Ready) right now.
    public var loadedAdapters: Int
    /// Adapter loads completed since start/reset.
    public var adapterLoads: Int
    /// Adapter offloads (idle eviction or cycle swap) since start/reset.
    public var adapterEvictions: Int
    /// Requests that had to wait for an adapter load.
    public var coldRequests: Int
    /// Keep-alive comments written.
    public var keepAlivesWritten: Int
    /// Scheduling error samples (one per token event).
    public var schedulingErrorSamples: Int
    /// Median of actual minus planned write time of token events.
    public var schedulingErrorP50Micros: UInt64
    /// 99th percentile of the same.
    public var schedulingErrorP99Micros: UInt64
    /// 99.9th percentile of the same.
    public var schedulingErrorP999Micros: UInt64
    /// Maximum of the same.
    public var schedulingErrorMaxMicros: UInt64
    /// 99th percentile of how late each engine step's timer fired (before any write); the rest of
    /// the scheduling error is the fan-out of writing one step's events to many sockets.
    public var stepLatenessP99Micros: UInt64
    /// Maximum of the same.
    public var stepLatenessMaxMicros: UInt64

    enum CodingKeys: String, CodingKey {
        case requests, succeeded, failed, dropped
        case inFlight = "in_flight", queued
        case batchSize = "batch_size", tokensWritten = "tokens_written", steps
        case loadedAdapters = "loaded_adapters", adapterLoads = "adapter_loads", adapterEvictions = "adapter_evictions"
        case coldRequests = "cold_requests", keepAlivesWritten = "keep_alives_written"
        case schedulingErrorSamples = "scheduling_error_samples"
        case schedulingErrorP50Micros = "scheduling_error_p50_micros"
        case schedulingErrorP99Micros = "scheduling_error_p99_micros"
        case schedulingErrorP999Micros = "scheduling_error_p999_micros"
        case schedulingErrorMaxMicros = "scheduling_error_max_micros"
        case stepLatenessP99Micros = "step_lateness_p99_micros"
        case stepLatenessMaxMicros = "step_lateness_max_micros"
    }
}

/// A log-linear histogram of microsecond values: exact below 2048 µs, then 128 sub-buckets per power of two (<1% error).
///
/// Why: scheduling error is sampled per token event (tens of thousands per second); recording must be O(1) and allocation-free.
struct MicrosHistogram {
    private static let linear = 2048
    private static let sub = 128
    private(set) var counts = [UInt64](repeating: 0, count: 2048 + 53 * 128)
    private(set) var total: UInt64 = 0
    private(set) var max: UInt64 = 0

    static func index(_ v: UInt64) -> Int {
        if v < UInt64(linear) { return Int(v) }
        let log = 63 - v.leadingZeroBitCount  // >= 11
        let mant = Int((v >> UInt64(log - 7)) & 127)
        return linear + (log - 11) * sub + mant
    }

    static func lowerBound(_ i: Int) -> UInt64 {
        if i < linear { return UInt64(i) }
        let log = (i - linear) / sub + 11
        let mant = UInt64((i - linear) % sub)
        return (UInt64(1) << UInt64(log)) | (mant << UInt64(log - 7))
    }

    mutating func record(_ v: UInt64) {
        let i = Self.index(v)
        if i < counts.count { counts[i] &+= 1 } else { counts[counts.count - 1] &+= 1 }
        total &+= 1
        if v > max { max = v }
    }

    func percentile(_ p: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let target = UInt64((Double(total) * p / 100).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= Swift.max(target, 1) { return Swift.min(Self.lowerBound(i), max) }
        }
        return max
    }
}

/// A Prometheus histogram with fixed bounds.
struct PromHistogram {
    let bounds: [Double]
    var counts: [UInt64]
    var sum: Double = 0
    var count: UInt64 = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = [UInt64](repeating: 0, count: bounds.count)
    }

    /// LoRAX's duration buckets: 35 geometric, 0.00015 s × 1.5^k.
    static func loraxDuration() -> PromHistogram {
        PromHistogram(bounds: (0..<35).map { 0.00015 * pow(1.5, Double($0)) })
    }

    /// 100 linear buckets up to `max` (LoRAX's token-count histograms).
    static func linear(upTo max: Int) -> PromHistogram {
        let step = Swift.max(1.0, Double(max) / 100)
        return PromHistogram(bounds: (1...100).map { Double($0) * step })
    }

    mutating func observe(_ v: Double) {
        sum += v
        count += 1
        for i in bounds.indices where v <= bounds[i] { counts[i] += 1 }
    }

    func render(name: String, into out: inout String) {
        out += "# TYPE \(name) histogram\n"
        for (b, c) in zip(bounds, counts) { out += "\(name)_bucket{le=\"\(b)\"} \(c)\n" }
        out += "\(name)_bucket{le=\"+Inf\"} \(count)\n\(name)_sum \(sum)\n\(name)_count \(count)\n"
    }
}

/// State read from any thread (ground truth, counters, metrics) and written by the engine's loop.
///
/// `@unchecked Sendable` because every stored property is only touched while holding `lock`;
/// the engine takes the lock once per step and once per finished request, never per token.
final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private let maxRecords = 200_000
    private let config: SimConfig
    private var records: [SimRequestRecord] = []
    private var recordStart = 0  // ring start once full
    private var stats: SimStats
    private var schedErr = MicrosHistogram()
    private var stepLate = MicrosHistogram()
    private var failures: [String: UInt64] = [:]
    private var requestCount: UInt64 = 0
    private var successCount: UInt64 = 0
    private var hDuration = PromHistogram.loraxDuration()
    private var hValidation = PromHistogram.loraxDuration()
    private var hQueue = PromHistogram.loraxDuration()
    private var hInference = PromHistogram.loraxDuration()
    private var hPerToken = PromHistogram.loraxDuration()
    private var hGenerated: PromHistogram
    private var hInput: PromHistogram
    private var hMaxNew: PromHistogram
    private var batchInferenceCount: [String: UInt64] = [:]
    private var perReplica: [(inFlight: Int, queued: Int, batch: Int, loaded: Int, batchTokens: Int)]

    init(config: SimConfig, replicas: Int = 1) {
        self.config = config
        perReplica = Array(repeating: (0, 0, 0, 0, 0), count: max(1, replicas))
        stats = SharedState.zeroStats()
        hGenerated = .linear(upTo: config.maxTotalTokens)
        hInput = .linear(upTo: config.maxInputLength)
        hMaxNew = .linear(upTo: config.maxTotalTokens)
    }

    static func zeroStats() -> SimStats {
        SimStats(requests: 0, succeeded: 0, failed: 0, dropped: 0, inFlight: 0, queued: 0, batchSize: 0, tokensWritten: 0,
                 steps: 0, loadedAdapters: 0, adapterLoads: 0, adapterEvictions: 0, coldRequests: 0, keepAlivesWritten: 0,
                 schedulingErrorSamples: 0, schedulingErrorP50Micros: 0, schedulingErrorP99Micros: 0,
                 schedulingErrorP999Micros: 0, schedulingErrorMaxMicros: 0, stepLatenessP99Micros: 0, stepLatenessMaxMicros: 0)
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Clears ground truth, counters and histograms (gauges are refreshed by the engine).
    func reset() {
        withLock {
            records = []
            recordStart = 0
            stats = SharedState.zeroStats()
            schedErr = MicrosHistogram()
            stepLate = MicrosHistogram()
            failures = [:]
            requestCount = 0
            successCount = 0
            hDuration = .loraxDuration(); hValidation = .loraxDuration(); hQueue = .loraxDuration()
            hInference = .loraxDuration(); hPerToken = .loraxDuration()
            hGenerated = .linear(upTo: config.maxTotalTokens)
            hInput = .linear(upTo: config.maxInputLength)
            hMaxNew = .linear(upTo: config.maxTotalTokens)
            batchInferenceCount = [:]
        }
    }

    // MARK: engine-side updates (called on the engine loop)

    func countRequest() { withLock { requestCount += 1; stats.requests += 1 } }

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
                successCount += 1
                stats.succeeded += 1
                hDuration.observe(totalSeconds)
                hValidation.observe(0.0001)
                if let q = queueSeconds { hQueue.observe(q) }
                if let i = inferenceSeconds {
                    hInference.observe(i)
                    if r.outputTokens > 0 { hPerToken.observe(i / Double(r.outputTokens)) }
                }
                hGenerated.observe(Double(r.outputTokens))
                hInput.observe(Double(r.inputTokens))
                hMaxNew.observe(Double(r.maxNewTokens))
            } else {
                stats.failed += 1
                if let l = failureLabel {
                    failures[l, default: 0] += 1
                    if l == "dropped" { stats.dropped += 1 }
                }
            }
            if r.cold { stats.coldRequests += 1 }
        }
    }

    /// Per-step gauges and counters.
    func stepDone(_ replica: Int, lateness: UInt64, tokens: Int, schedErrors: UnsafeBufferPointer<UInt64>, prefill: Bool, inFlight: Int, queued: Int, batch: Int, batchTokens: Int, loaded: Int) {
        withLock {
            stats.steps += 1
            stepLate.record(lateness)
            stats.tokensWritten += tokens
            for e in schedErrors { schedErr.record(e) }
            batchInferenceCount["decode", default: 0] += 1
            if prefill { batchInferenceCount["prefill", default: 0] += 1 }
            perReplica[replica] = (inFlight, queued, batch, loaded, batchTokens)
        }
    }

    func gauges(_ replica: Int, inFlight: Int, queued: Int, batch: Int, loaded: Int) {
        withLock { perReplica[replica] = (inFlight, queued, batch, loaded, 0) }
    }

    /// Gauges summed over replicas; call with the lock held.
    private func sumGauges() -> (inFlight: Int, queued: Int, batch: Int, loaded: Int, batchTokens: Int) {
        perReplica.reduce((0, 0, 0, 0, 0)) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2, $0.3 + $1.3, $0.4 + $1.4) }
    }

    func adapterLoaded() { withLock { stats.adapterLoads += 1 } }
    func adapterEvicted() { withLock { stats.adapterEvictions += 1 } }
    func keepAlives(_ n: Int) { withLock { stats.keepAlivesWritten += n } }

    // MARK: readers (any thread)

    func allRecords() -> [SimRequestRecord] {
        withLock { Array(records[recordStart...] + records[..<recordStart]) }
    }

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
        withLock {
            let g = sumGauges()
            var o = ""
            o += "# TYPE lorax_request_count counter\nlorax_request_count \(requestCount)\n"
            o += "# TYPE lorax_request_success counter\nlorax_request_success \(successCount)\n"
            o += "# TYPE lorax_request_failure counter\n"
            for (k, v) in failures.sorted(by: { $0.key < $1.key }) { o += "lorax_request_failure{err=\"\(k)\"} \(v)\n" }
            hDuration.render(name: "lorax_request_duration", into: &o)
            hValidation.render(name: "lorax_request_validation_duration", into: &o)
            hQueue.render(name: "lorax_request_queue_duration", into: &o)
            hInference.render(name: "lorax_request_inference_duration", into: &o)
            hPerToken.render(name: "lorax_request_mean_time_per_token_duration", into: &o)
            hGenerated.render(name: "lorax_request_generated_tokens", into: &o)
            hInput.render(name: "lorax_request_input_length", into: &o)
            hMaxNew.render(name: "lorax_request_max_new_tokens", into: &o)
            o += "# TYPE lorax_batch_current_size gauge\nlorax_batch_current_size \(g.batch)\n"
            o += "# TYPE lorax_batch_current_max_tokens gauge\nlorax_batch_current_max_tokens \(g.batchTokens)\n"
            o += "# TYPE lorax_queue_length gauge\nlorax_queue_length \(g.queued)\n"
            o += "# TYPE lorax_batch_inference_count counter\n"
            for (k, v) in batchInferenceCount.sorted(by: { $0.key < $1.key }) { o += "lorax_batch_inference_count{method=\"\(k)\"} \(v)\n" }
            o += "# TYPE lorax_batch_inference_success counter\n"
            for (k, v) in batchInferenceCount.sorted(by: { $0.key < $1.key }) { o += "lorax_batch_inference_success{method=\"\(k)\"} \(v)\n" }
            o += "# TYPE lorax_sim_loaded_adapters gauge\nlorax_sim_loaded_adapters \(g.loaded)\n"
            o += "# TYPE lorax_sim_adapter_loads_total counter\nlorax_sim_adapter_loads_total \(stats.adapterLoads)\n"
            o += "# TYPE lorax_sim_adapter_evictions_total counter\nlorax_sim_adapter_evictions_total \(stats.adapterEvictions)\n"
            o += "# TYPE lorax_sim_in_flight gauge\nlorax_sim_in_flight \(g.inFlight)\n"
            o += "# TYPE lorax_sim_tokens_written_total counter\nlorax_sim_tokens_written_total \(stats.tokensWritten)\n"
            o += "# TYPE lorax_sim_cold_requests_total counter\nlorax_sim_cold_requests_total \(stats.coldRequests)\n"
            o += "# TYPE lorax_sim_scheduling_error_p99_seconds gauge\nlorax_sim_scheduling_error_p99_seconds \(Double(schedErr.percentile(99)) / 1e6)\n"
            return o
        }
    }
}
