import Stats

/// LoRAX's OpenAI-compatible `/v1/chat/completions`: the prompt as one user message, chat chunks, then `[DONE]`.
struct OpenAIChatDialect: OpenAICompatibleDialect {
    var path: String { "/v1/chat/completions" }

    func body(prompt: String, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        var body = commonBody(adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
        body["messages"] = .array([.object(["role": .string("user"), "content": .string(prompt)])])
        return .object(body)
    }
}
