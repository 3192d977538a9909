import Stats

/// LoRAX's two OpenAI-compatible APIs share the body's `model`/`max_tokens`/`stream` fields and the chunk shape,
/// so a dialect of this kind only says its path and where the prompt goes.
protocol OpenAICompatibleDialect: APIDialect {}

extension OpenAICompatibleDialect {
    /// The scenario's parameters with the fields both APIs require; the adapter goes in `model` (empty for the base model).
    func commonBody(adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> [String: JSONValue] {
        var body = parameters
        body["model"] = .string(adapter)
        body["max_tokens"] = .int(Int64(maxNewTokens))
        body["stream"] = .bool(true)
        return body
    }

    /// Both APIs end their streams with `data: [DONE]`.
    var endsWithDoneSentinel: Bool { true }

    var withoutDefiningMember: String { #"chunk without "choices""# }

    /// A chunk with a first choice is a token event; it has text when its `text` or `delta.content` is non-empty;
    /// `usage` counts only once the server fills them in (LoRAX sends zeros on every earlier completions chunk).
    func readMember(_ key: UnsafeRawBufferPointer.SubSequence, _ s: inout JSONScanner, into e: inout StreamEvent) throws -> DialectMember {
        if key.isKey("choices") {
            try s.readArray { s, index in
                guard index == 0 else { try s.skipValue(); return }
                e.isToken = true
                try s.readObject { s, k in
                    if k.isKey("text") { e.hasText = try s.readNonEmptyString() }
                    else if k.isKey("delta") {
                        if try s.readNull() { return }
                        try s.readObject { s, dk in
                            if dk.isKey("content") { e.hasText = try s.readNonEmptyString() } else { try s.skipValue() }
                        }
                    } else if k.isKey("finish_reason") {
                        if let f = try s.readRawTextOrNull() { e.finishReason = f }
                    } else { try s.skipValue() }
                }
            }
            return .defining
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
