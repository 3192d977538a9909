/// LoRAX's Prometheus series (failure counters, request histograms, batch counters) and the text
/// exposition of GET /metrics, with the simulator's `lorax_sim_*` extras.
///
/// A plain value with no lock of its own: `SharedState` owns one and touches it only under its lock.
struct LoraxMetrics {
    private var failures: [String: UInt64] = [:]
    private var duration = PromHistogram.loraxDuration()
    private var validation = PromHistogram.loraxDuration()
    private var queue = PromHistogram.loraxDuration()
    private var inference = PromHistogram.loraxDuration()
    private var perToken = PromHistogram.loraxDuration()
    private var generated: PromHistogram
    private var input: PromHistogram
    private var maxNew: PromHistogram
    private var batchInferenceCount: [String: UInt64] = [:]

    /// Empty series; the token-count histograms get LoRAX's 100 linear buckets up to the config's limits.
    init(config: SimConfig) {
        generated = .linear(upTo: config.maxTotalTokens)
        input = .linear(upTo: config.maxInputLength)
        maxNew = .linear(upTo: config.maxTotalTokens)
    }

    /// Folds one successful request into the request histograms.
    mutating func observeSuccess(_ r: SimRequestRecord, queueSeconds: Double?, inferenceSeconds: Double?, totalSeconds: Double) {
        duration.observe(totalSeconds)
        validation.observe(0.0001)
        if let q = queueSeconds { queue.observe(q) }
        if let i = inferenceSeconds {
            inference.observe(i)
            if r.outputTokens > 0 { perToken.observe(i / Double(r.outputTokens)) }
        }
        generated.observe(Double(r.outputTokens))
        input.observe(Double(r.inputTokens))
        maxNew.observe(Double(r.maxNewTokens))
    }

    /// Counts one failed request under its `lorax_request_failure{err}` label.
    mutating func observeFailure(_ label: String) { failures[label, default: 0] += 1 }

    /// Counts one engine step (every step decodes; some also prefill).
    mutating func observeStep(prefill: Bool) {
        batchInferenceCount["decode", default: 0] += 1
        if prefill { batchInferenceCount["prefill", default: 0] += 1 }
    }

    /// The Prometheus text: these series plus counters from `stats`, the summed replica `gauges` and the scheduling error p99.
    func render(stats: SimStats, gauges g: ReplicaGauges, schedulingErrorP99Micros: UInt64) -> String {
        var o = ""
        o += "# TYPE lorax_request_count counter\nlorax_request_count \(stats.requests)\n"
        o += "# TYPE lorax_request_success counter\nlorax_request_success \(stats.succeeded)\n"
        o += "# TYPE lorax_request_failure counter\n"
        for (k, v) in failures.sorted(by: { $0.key < $1.key }) { o += "lorax_request_failure{err=\"\(k)\"} \(v)\n" }
        duration.render(name: "lorax_request_duration", into: &o)
        validation.render(name: "lorax_request_validation_duration", into: &o)
        queue.render(name: "lorax_request_queue_duration", into: &o)
        inference.render(name: "lorax_request_inference_duration", into: &o)
        perToken.render(name: "lorax_request_mean_time_per_token_duration", into: &o)
        generated.render(name: "lorax_request_generated_tokens", into: &o)
        input.render(name: "lorax_request_input_length", into: &o)
        maxNew.render(name: "lorax_request_max_new_tokens", into: &o)
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
        o += "# TYPE lorax_sim_scheduling_error_p99_seconds gauge\nlorax_sim_scheduling_error_p99_seconds \(Double(schedulingErrorP99Micros) / 1e6)\n"
        return o
    }
}
