import Stats

/// LoRAX's two OpenAI-compatible APIs share the body's `model`/`max_tokens`/`stream` fields and the chunk shape,
/// so a dialect of this kind only says its path and where the prompt goes.
protocol OpenAICompatibleDialect: APIDialect {}

extension OpenAICompatibleDialect {
    /// The scenario's parameters with the fields both APIs require; the adapter goes in `model` (empty for the base model).
    /// `stream_options.include_usage` is asked for unless the scenario sets `stream_options` itself, so token counts
    /// come from the server (servers merge several tokens into one chunk under load; counting chunks undercounts).
    func commonBody(adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> [String: JSONValue] {
        var body = parameters
        body["model"] = .string(adapter)
        body["max_tokens"] = .int(Int64(maxNewTokens))
        body["stream"] = .bool(true)
        if body["stream_options"] == nil { body["stream_options"] = .object(["include_usage": .bool(true)]) }
        return body
    }

    /// A token's text member: whether it is non-empty (nil for `null`), and its decoded text when the run keeps text.
    private func readTokenText(_ s: inout JSONScanner, into e: inout StreamEvent) throws -> Bool? {
        guard capturesText else { return try s.readStringOrNull().map { !$0.isEmpty } }
        e.tokenText = try s.readTextOrNull()
        return e.tokenText.map { !$0.isEmpty }
    }

    /// Both APIs end their streams with `data: [DONE]`.
    var endsWithDoneSentinel: Bool { true }

    var withoutDefiningMember: String { #"chunk without "choices""# }

    /// A chunk's first choice carries a token when it has `text` (completions; empty text included, as servers
    /// count it) or `delta.content` (chat), except the chat chunk that only announces the `role` with empty content;
    /// `usage` counts only once the server fills them in (LoRAX sends zeros on every earlier completions chunk).
    func readMember(_ key: UnsafeRawBufferPointer.SubSequence, _ s: inout JSONScanner, into e: inout StreamEvent) throws -> DialectMember {
        if key.isKey("choices") {
            try s.readArray { s, index in
                guard index == 0 else { try s.skipValue(); return }
                var text: Bool?, content: Bool?, role = false
                try s.readObject { s, k in
                    if k.isKey("text") { text = try readTokenText(&s, into: &e) }
                    else if k.isKey("delta") {
                        if try s.readNull() { return }
                        try s.readObject { s, dk in
                            if dk.isKey("content") { content = try readTokenText(&s, into: &e) }
                            else if dk.isKey("role") { role = try s.readStringOrNull() != nil }
                            else { try s.skipValue() }
                        }
                    } else if k.isKey("finish_reason") {
                        if let f = try s.readTextOrNull() { e.finishReason = f }
                    } else { try s.skipValue() }
                }
                let roleOnly = role && content != true && text == nil
                e.isToken = !roleOnly && (text != nil || content != nil)
                e.hasText = text == true || content == true
            }
            return .defining
        }
        if capturesText, key.isKey("model") {
            e.model = try s.readTextOrNull()
            return .read
        }
        if key.isKey("usage") {
            if try s.readNull() { return .read }
            var usage = StreamEvent()
            try s.readObject { s, k in try StreamEventParser.readCounts(&s, k, into: &usage, generated: "completion_tokens") }
            if let c = usage.generatedTokens, c > 0 { e.generatedTokens = c; e.promptTokens = usage.promptTokens }
            return .read
        }
        return .unknown
    }
}
