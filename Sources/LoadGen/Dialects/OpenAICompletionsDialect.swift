import Stats

/// LoRAX's OpenAI-compatible `/v1/completions`: a plain `prompt`, OpenAI completion chunks, then `[DONE]`.
struct OpenAICompletionsDialect: OpenAICompatibleDialect {
    var capturesText = false
    var path: String { "/v1/completions" }

    func body(prompt: String, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        var body = commonBody(adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
        body["prompt"] = .string(prompt)
        return .object(body)
    }
}
