import Foundation

/// Simulator settings: a named profile's defaults overridden field by field.
///
/// Why: tests want tiny deterministic latencies, demos want numbers that look like one A100 serving a
/// 7B model, and benchmarks want a cheap model with a huge batch. All are the same plain data; every
/// default is documented in `docs/simulator.md` as an assumption, not a measurement. A value type,
/// safe to share across threads.
public struct SimConfig: Codable, Sendable, Equatable {
    /// Name of the profile the defaults came from: "a100-7b" (default), "fast" or "bench".
    public var profile: String
    /// Seed for every random draw (token words, EOS, faults).
    public var seed: UInt64
    /// The base model id reported by /info, headers and OpenAI responses.
    public var modelId: String
    /// When set, every route except /sim/* requires `Authorization: Bearer <apiToken>` (401 otherwise).
    public var apiToken: String?
    /// In-flight (queued + running) generation requests above which LoRAX answers "Model is overloaded".
    public var maxConcurrentRequests: Int
    /// LoRAX validation limit on input tokens (equality allowed).
    public var maxInputLength: Int
    /// LoRAX validation limit on input + max_new_tokens.
    public var maxTotalTokens: Int
    /// No tokenizer: tokens ≈ ceil(words × tokensPerWord).
    public var tokensPerWord: Double
    /// Fixed cost added to a step that admits new requests (prefill).
    public var prefillBaseMs: Double
    /// Prefill cost per input token admitted in the step.
    public var prefillPerTokenMs: Double
    /// Fixed cost of one decode step.
    public var decodeBaseMs: Double
    /// Decode cost per sequence in the batch.
    public var decodePerSequenceMs: Double
    /// Decode cost per distinct non-base adapter in the batch (SGMV/BGMV overhead).
    public var decodePerAdapterMs: Double
    /// Most sequences in one batch.
    public var maxBatchSize: Int
    /// Most Σ(input + max_new_tokens) reserved by the batch (KV cache budget).
    public var maxBatchTotalTokens: Int
    /// Most non-base adapters loaded (or loading) at once.
    public var maxActiveAdapters: Int
    /// Time the single serial loader spends on one cold adapter.
    public var adapterLoadMs: Double
    /// An adapter active longer than this with others pending may be swapped out (LoRAX default 2 s).
    public var adapterCycleTimeMs: Double
    /// SSE keep-alive comment `:\n\n` after this long without an event (axum default 15 s).
    public var keepAliveSeconds: Double
    /// Per-token probability to stop early with EOS.
    public var eosProbability: Double
    /// Fault injection.
    public var faults: SimFaults
    /// Request bodies larger than this get 413.
    public var maxBodyBytes: Int
    /// When max_new_tokens is absent LoRAX allows max_total_tokens − input; the simulator then stops
    /// with EOS after at most this many tokens (a real model would stop on its own long before).
    public var unsetMaxNewTokensCap: Int
    /// Keep every token's write time in the ground truth (`tokenMicros`); off saves memory.
    public var recordTokenTimes: Bool
    /// Independent LoRAX replicas behind the gateway, each with its own batch, adapters and loader;
    /// requests go to the replica with the fewest in flight. Limits such as max_concurrent_requests are per replica.
    public var replicas: Int
    /// Each step's cost is multiplied by a seeded uniform factor in [1 − j, 1 + j] (GPU step-time noise);
    /// 0 keeps steps exact. Also keeps replicas that started together from stepping in lockstep.
    public var stepJitter: Double
    /// Wake this many microseconds before each step's planned end and spin on the clock until it:
    /// trades a little CPU for precise token times on hosts (VMs) whose timer wake-ups are late by up to ~1 ms.
    public var timerLeadMicros: Int
    /// Prefix-cache model (an assumption, see `PrefixCache`): blocks each adapter keeps; 0 turns the model off.
    public var prefixCacheBlocks: Int
    /// Words per prefix-cache block.
    public var prefixBlockWords: Int
    /// Evaluation tasks answered from a key, per adapter with a configured accuracy (nil: none).
    public var answerKeys: [SimAnswerKey]?
    /// The adapter the `wrong_adapter` fault answers as; nil picks the next adapter the answer keys name.
    public var wrongAdapterAs: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case profile, seed
        case modelId = "model_id"
        case apiToken = "api_token"
        case maxConcurrentRequests = "max_concurrent_requests"
        case maxInputLength = "max_input_length"
        case maxTotalTokens = "max_total_tokens"
        case tokensPerWord = "tokens_per_word"
        case prefillBaseMs = "prefill_base_ms"
        case prefillPerTokenMs = "prefill_per_token_ms"
        case decodeBaseMs = "decode_base_ms"
        case decodePerSequenceMs = "decode_per_sequence_ms"
        case decodePerAdapterMs = "decode_per_adapter_ms"
        case maxBatchSize = "max_batch_size"
        case maxBatchTotalTokens = "max_batch_total_tokens"
        case maxActiveAdapters = "max_active_adapters"
        case adapterLoadMs = "adapter_load_ms"
        case adapterCycleTimeMs = "adapter_cycle_time_ms"
        case keepAliveSeconds = "keep_alive_seconds"
        case eosProbability = "eos_probability"
        case faults
        case maxBodyBytes = "max_body_bytes"
        case unsetMaxNewTokensCap = "unset_max_new_tokens_cap"
        case recordTokenTimes = "record_token_times"
        case replicas
        case stepJitter = "step_jitter"
        case timerLeadMicros = "timer_lead_micros"
        case prefixCacheBlocks = "prefix_cache_blocks"
        case prefixBlockWords = "prefix_block_words"
        case answerKeys = "answer_keys"
        case wrongAdapterAs = "wrong_adapter_as"
    }

    /// The default profile: assumptions for one A100-80GB serving a 7B model (see docs/simulator.md).
    public init() {
        profile = "a100-7b"
        seed = 42
        modelId = "mistralai/Mistral-7B-Instruct-v0.1"
        apiToken = nil
        maxConcurrentRequests = 1024
        maxInputLength = 4095
        maxTotalTokens = 4096
        tokensPerWord = 1.3
        prefillBaseMs = 10
        prefillPerTokenMs = 0.12
        decodeBaseMs = 12
        decodePerSequenceMs = 0.08
        decodePerAdapterMs = 0.5
        maxBatchSize = 256
        maxBatchTotalTokens = 100_000
        maxActiveAdapters = 128
        adapterLoadMs = 400
        adapterCycleTimeMs = 2000
        keepAliveSeconds = 15
        eosProbability = 0
        faults = SimFaults()
        maxBodyBytes = 1 << 20
        unsetMaxNewTokensCap = 256
        recordTokenTimes = true
        replicas = 1
        stepJitter = 0
        timerLeadMicros = 0
        prefixCacheBlocks = 0
        prefixBlockWords = 16
    }
}
