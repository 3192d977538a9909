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
    }

    /// Names accepted by `profile(_:)` and the `"profile"` key.
    public static var profileNames: [String] { ["a100-7b", "fast", "bench"] }

    /// The defaults of a named profile; throws `SimConfigError` for an unknown name.
    public static func profile(_ name: String) throws -> SimConfig {
        var c = SimConfig()
        switch name {
        case "a100-7b":
            break
        case "fast":
            c.profile = "fast"
            c.prefillBaseMs = 2
            c.prefillPerTokenMs = 0.01
            c.decodeBaseMs = 2
            c.decodePerSequenceMs = 0.01
            c.decodePerAdapterMs = 0.1
            c.maxBatchSize = 32
            c.maxBatchTotalTokens = 65_536
            c.maxActiveAdapters = 4
            c.adapterLoadMs = 20
            c.adapterCycleTimeMs = 200
        case "bench":
            c.profile = "bench"
            c.maxConcurrentRequests = 100_000
            c.prefillBaseMs = 1
            c.prefillPerTokenMs = 0.001
            c.decodeBaseMs = 20
            c.decodePerSequenceMs = 0.002
            c.decodePerAdapterMs = 0.01
            c.maxBatchSize = 100_000
            c.maxBatchTotalTokens = 1 << 40
            c.maxActiveAdapters = 1024
            c.adapterLoadMs = 50
            c.recordTokenTimes = false
            c.replicas = 16
            c.stepJitter = 0.05
        default:
            throw SimConfigError(problems: ["profile: unknown profile \"\(name)\" (known: \(profileNames.joined(separator: ", ")))"])
        }
        return c
    }

    /// Decodes a JSON object (snake_case keys, every key optional, "profile" picks the base defaults);
    /// unknown keys are an error naming the key and its JSON path. All problems are reported together.
    public static func decode(from data: Data) throws -> SimConfig {
        let root: JSONValue
        do { root = try JSONParser.parse(data) } catch let e as JSONSyntaxError {
            throw SimConfigError(problems: ["$: invalid JSON: \(e)"])
        }
        guard case let .object(members) = root else { throw SimConfigError(problems: ["$: expected a JSON object"]) }
        var base = SimConfig()
        if let p = root["profile"] {
            guard case let .string(name) = p else { throw SimConfigError(problems: ["$.profile: expected a string"]) }
            base = try profile(name)
        }
        var problems: [String] = []
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let knownFaults = Set(SimFaults.keys)
        for (k, v) in members {
            if !known.contains(k) { problems.append("$.\(k): unknown key \"\(k)\"") }
            if k == "faults", case let .object(fm) = v {
                for (fk, _) in fm where !knownFaults.contains(fk) { problems.append("$.faults.\(fk): unknown key \"\(fk)\"") }
            }
        }
        if !problems.isEmpty { throw SimConfigError(problems: problems) }
        // Overlay the user's keys on the profile's encoded defaults, then decode the whole.
        let encoder = JSONEncoder()
        let baseData: Data
        do { baseData = try encoder.encode(base) } catch { throw SimConfigError(problems: ["$: \(error)"]) }
        guard case var .object(merged) = (try? JSONParser.parse(baseData)) ?? .null else {
            throw SimConfigError(problems: ["$: internal error encoding defaults"])
        }
        func set(_ key: String, _ value: JSONValue, in obj: inout [(String, JSONValue)]) {
            if let i = obj.firstIndex(where: { $0.0 == key }) { obj[i].1 = value } else { obj.append((key, value)) }
        }
        for (k, v) in members {
            if k == "faults", case let .object(fm) = v, let i = merged.firstIndex(where: { $0.0 == "faults" }),
               case var .object(baseFaults) = merged[i].1 {
                for (fk, fv) in fm { set(fk, fv, in: &baseFaults) }
                merged[i].1 = .object(baseFaults)
            } else {
                set(k, v, in: &merged)
            }
        }
        let mergedData = Data(JSONValue.object(merged).serialized().utf8)
        let config: SimConfig
        do {
            config = try JSONDecoder().decode(SimConfig.self, from: mergedData)
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            throw SimConfigError(problems: ["$." + ctx.codingPath.map(\.stringValue).joined(separator: ".") + ": wrong type (\(ctx.debugDescription))"])
        } catch let DecodingError.dataCorrupted(ctx) {
            throw SimConfigError(problems: ["$." + ctx.codingPath.map(\.stringValue).joined(separator: ".") + ": \(ctx.debugDescription)"])
        } catch {
            throw SimConfigError(problems: ["$: \(error)"])
        }
        let invalid = config.validationProblems()
        if !invalid.isEmpty { throw SimConfigError(problems: invalid) }
        return config
    }

    /// Range checks, each problem named by its JSON path; empty when the config is usable.
    public func validationProblems() -> [String] {
        var p: [String] = []
        func positive(_ v: Int, _ k: CodingKeys) { if v < 1 { p.append("$.\(k.stringValue): must be >= 1") } }
        func nonNeg(_ v: Double, _ k: String) { if !(v >= 0) || !v.isFinite { p.append("$.\(k): must be a finite number >= 0") } }
        positive(maxConcurrentRequests, .maxConcurrentRequests)
        positive(maxInputLength, .maxInputLength)
        positive(maxTotalTokens, .maxTotalTokens)
        positive(maxBatchSize, .maxBatchSize)
        positive(maxBatchTotalTokens, .maxBatchTotalTokens)
        positive(maxActiveAdapters, .maxActiveAdapters)
        positive(maxBodyBytes, .maxBodyBytes)
        positive(unsetMaxNewTokensCap, .unsetMaxNewTokensCap)
        positive(replicas, .replicas)
        if !(tokensPerWord > 0) || !tokensPerWord.isFinite { p.append("$.tokens_per_word: must be > 0") }
        for (v, k) in [(prefillBaseMs, CodingKeys.prefillBaseMs), (prefillPerTokenMs, .prefillPerTokenMs), (decodeBaseMs, .decodeBaseMs),
                       (decodePerSequenceMs, .decodePerSequenceMs), (decodePerAdapterMs, .decodePerAdapterMs),
                       (adapterLoadMs, .adapterLoadMs), (adapterCycleTimeMs, .adapterCycleTimeMs)] {
            nonNeg(v, k.stringValue)
        }
        if !(keepAliveSeconds > 0) || !keepAliveSeconds.isFinite { p.append("$.keep_alive_seconds: must be > 0") }
        if timerLeadMicros < 0 || timerLeadMicros > 100_000 { p.append("$.timer_lead_micros: must be in [0, 100000]") }
        if !(stepJitter >= 0 && stepJitter < 1) { p.append("$.step_jitter: must be in [0, 1)") }
        if !(eosProbability >= 0 && eosProbability <= 1) { p.append("$.eos_probability: must be in [0, 1]") }
        p += faults.validationProblems()
        return p
    }
}

/// A config that could not be decoded or validated; `problems` lists every issue with its JSON path.
public struct SimConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One line per problem, each starting with a JSON path such as `$.faults.stall_ms`.
    public var problems: [String]
    /// All problems, one per line.
    public var description: String { problems.joined(separator: "\n") }
}
