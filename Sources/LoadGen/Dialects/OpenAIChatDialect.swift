import Stats

/// LoRAX's OpenAI-compatible `/v1/chat/completions`: the prompt as one user message, chat chunks, then `[DONE]`.
struct OpenAIChatDialect: OpenAICompatibleDialect {
    var capturesText = false
    var path: String { "/v1/chat/completions" }

    func body(prompt: String, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        var body = commonBody(adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
        body["messages"] = .array([.object(["role": .string("user"), "content": .string(prompt)])])
        return .object(body)
    }

    /// A conversation goes as its messages, in order.
    func body(content: PromptContent, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        guard case .messages(let messages) = content else {
            return body(prompt: content.flattened, adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
        }
        var body = commonBody(adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
        body["messages"] = .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
        return .object(body)
    }
}
