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
        func single(_ name: String, _ type: String, _ value: Any) { o += "# TYPE \(name) \(type)\n\(name) \(value)\n" }
        func labelled(_ name: String, _ label: String, _ values: [String: UInt64]) {
            o += "# TYPE \(name) counter\n"
            for (k, v) in values.sorted(by: { $0.key < $1.key }) { o += "\(name){\(label)=\"\(k)\"} \(v)\n" }
        }
        single("lorax_request_count", "counter", stats.requests)
        single("lorax_request_success", "counter", stats.succeeded)
        labelled("lorax_request_failure", "err", failures)
        duration.render(name: "lorax_request_duration", into: &o)
        validation.render(name: "lorax_request_validation_duration", into: &o)
        queue.render(name: "lorax_request_queue_duration", into: &o)
        inference.render(name: "lorax_request_inference_duration", into: &o)
        perToken.render(name: "lorax_request_mean_time_per_token_duration", into: &o)
        generated.render(name: "lorax_request_generated_tokens", into: &o)
        input.render(name: "lorax_request_input_length", into: &o)
        maxNew.render(name: "lorax_request_max_new_tokens", into: &o)
        single("lorax_batch_current_size", "gauge", g.batch)
        single("lorax_batch_current_max_tokens", "gauge", g.batchTokens)
        single("lorax_queue_length", "gauge", g.queued)
        labelled("lorax_batch_inference_count", "method", batchInferenceCount)
        labelled("lorax_batch_inference_success", "method", batchInferenceCount)
        single("lorax_sim_loaded_adapters", "gauge", g.loaded)
        single("lorax_sim_adapter_loads_total", "counter", stats.adapterLoads)
        single("lorax_sim_adapter_evictions_total", "counter", stats.adapterEvictions)
        single("lorax_sim_in_flight", "gauge", g.inFlight)
        single("lorax_sim_tokens_written_total", "counter", stats.tokensWritten)
        single("lorax_sim_cold_requests_total", "counter", stats.coldRequests)
        single("lorax_sim_scheduling_error_p99_seconds", "gauge", Double(schedulingErrorP99Micros) / 1e6)
        return o
    }
}
