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

extension SimStats {
    /// Every counter and gauge at zero: the state at start and after a reset.
    static let zero = SimStats(
        requests: 0, succeeded: 0, failed: 0, dropped: 0, inFlight: 0, queued: 0, batchSize: 0, tokensWritten: 0,
        steps: 0, loadedAdapters: 0, adapterLoads: 0, adapterEvictions: 0, coldRequests: 0, keepAlivesWritten: 0,
        schedulingErrorSamples: 0, schedulingErrorP50Micros: 0, schedulingErrorP99Micros: 0,
        schedulingErrorP999Micros: 0, schedulingErrorMaxMicros: 0, stepLatenessP99Micros: 0, stepLatenessMaxMicros: 0)
}
