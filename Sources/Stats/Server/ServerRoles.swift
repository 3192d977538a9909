/// What a server series means to lorabench, whatever the server calls it.
public enum ServerRole: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
    case ttft, e2e, itl, queue
    case requestsOK = "requests_ok", outputTokens = "output_tokens", inputTokens = "input_tokens"
    case running, waiting
    /// Adapters the server loaded during the window: the server's own word on which first touches were cold loads.
    case adapterLoads = "adapter_loads"

    /// How a role's number is read from its series.
    public enum Reading: String, Sendable, Codable {
        /// A latency histogram in seconds: percentiles of the window's increase, reported in milliseconds.
        case latency
        /// The increase of a counter, summed over its label sets.
        case counter
        /// The increase of a histogram's `_sum` (a token-count histogram: the tokens themselves).
        case histogramSum = "histogram_sum"
        /// The increase of a histogram's `_count` (requests observed).
        case histogramCount = "histogram_count"
        /// A gauge family summed over its label sets at each scrape: min, mean, max.
        case gauge
    }

    /// The first of these the server exposes is the one read: LoRAX (and the simulator, which speaks LoRAX's names),
    /// TGI, vLLM (current names before older ones), SGLang.
    public var candidates: [(name: String, reading: Reading)] {
        switch self {
        case .ttft:
            return [("vllm:time_to_first_token_seconds", .latency), ("sglang:time_to_first_token_seconds", .latency)]
        case .e2e:
            return [("lorax_request_duration", .latency), ("tgi_request_duration", .latency),
                    ("vllm:e2e_request_latency_seconds", .latency), ("sglang:e2e_request_latency_seconds", .latency)]
        case .itl:
            return [("vllm:inter_token_latency_seconds", .latency), ("vllm:time_per_output_token_seconds", .latency),
                    ("sglang:inter_token_latency_seconds", .latency), ("sglang:time_per_output_token_seconds", .latency)]
        case .queue:
            return [("lorax_request_queue_duration", .latency), ("tgi_request_queue_duration", .latency),
                    ("vllm:request_queue_time_seconds", .latency), ("sglang:queue_time_seconds", .latency)]
        case .requestsOK:
            return [("lorax_request_success", .counter), ("tgi_request_success", .counter), ("vllm:request_success_total", .counter),
                    ("sglang:num_requests_total", .counter), ("vllm:e2e_request_latency_seconds", .histogramCount),
                    ("sglang:e2e_request_latency_seconds", .histogramCount)]
        case .outputTokens:
            return [("lorax_request_generated_tokens", .histogramSum), ("tgi_request_generated_tokens", .histogramSum),
                    ("vllm:generation_tokens_total", .counter), ("sglang:generation_tokens_total", .counter)]
        case .inputTokens:
            return [("lorax_request_input_length", .histogramSum), ("tgi_request_input_length", .histogramSum),
                    ("vllm:prompt_tokens_total", .counter), ("sglang:prompt_tokens_total", .counter)]
        case .running:
            return [("lorax_batch_current_size", .gauge), ("tgi_batch_current_size", .gauge),
                    ("vllm:num_requests_running", .gauge), ("sglang:num_running_reqs", .gauge)]
        case .waiting:
            return [("lorax_queue_length", .gauge), ("tgi_queue_size", .gauge),
                    ("vllm:num_requests_waiting", .gauge), ("sglang:num_queue_reqs", .gauge)]
        case .adapterLoads:
            // LoRAX, TGI and vLLM expose no load count (vLLM's lora_requests_info names loaded adapters only).
            return [("lorax_sim_adapter_loads_total", .counter)]
        }
    }
}
