/// LoRAX's request validation, in LoRAX's order, and the token limits an admitted request runs with.
enum Admission {
    /// What validation decided for one request.
    enum Verdict: Equatable {
        /// Rejected with LoRAX's wording (without the "Input validation error: " prefix).
        case reject(String)
        /// Admitted: `maxNew` is the effective max_new_tokens; generation stops after `genLimit`
        /// tokens, the last one an EOS when `eosAtLimit`.
        case admit(maxNew: Int, genLimit: Int, eosAtLimit: Bool)
    }

    /// Validates `spec` against the config's limits; a pure function.
    static func check(_ spec: GenerationSpec, config: SimConfig) -> Verdict {
        var maxNew = spec.maxNewTokens ?? 0
        if let r = spec.streamRejection, spec.stream {
            return .reject(r)
        } else if spec.inputsEmpty {
            return .reject("`inputs` cannot be empty")
        } else if spec.maxNewTokens == 0 {
            return .reject("`max_new_tokens` must be strictly positive")
        } else if let n = spec.maxNewTokens, spec.inputTokens + n > config.maxTotalTokens {
            return .reject("`inputs` tokens + `max_new_tokens` must be <= \(config.maxTotalTokens). Given: \(spec.inputTokens) `inputs` tokens and \(n) `max_new_tokens`")
        } else if spec.inputTokens > config.maxInputLength {
            return .reject("`inputs` must have less than \(config.maxInputLength) tokens. Given: \(spec.inputTokens)")
        } else if spec.maxNewTokens == nil {
            maxNew = max(1, config.maxTotalTokens - spec.inputTokens)
        }
        // Without max_new_tokens a real model stops on its own long before LoRAX's limit: stop with EOS at the cap.
        let capped = spec.maxNewTokens == nil && maxNew > config.unsetMaxNewTokensCap
        return .admit(maxNew: maxNew, genLimit: capped ? config.unsetMaxNewTokensCap : maxNew, eosAtLimit: spec.maxNewTokens == nil)
    }
}
