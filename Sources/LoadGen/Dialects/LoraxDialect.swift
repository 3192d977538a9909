import Stats

/// LoRAX's native `/generate_stream`: one event per token, the final one has `generated_text`, counts in `details`.
struct LoraxDialect: APIDialect {
    var capturesText = false
    var path: String { "/generate_stream" }

    /// Asks for `details` unless the scenario says otherwise, since they carry the server's token counts.
    func body(prompt: String, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        var params = parameters
        params["max_new_tokens"] = .int(Int64(maxNewTokens))
        if params["details"] == nil { params["details"] = .bool(true) }
        if !adapter.isEmpty { params["adapter_id"] = .string(adapter) }
        return .object(["inputs": .string(prompt), "parameters": .object(params)])
    }

    /// Native routes send no `[DONE]`: the connection closes after the event with `generated_text`.
    var endsWithDoneSentinel: Bool { false }

    var withoutDefiningMember: String { #"native event without "token""# }

    /// Every `token` is a token event (special and empty-text ones too, as the server counts them); it has visible
    /// text when its text is non-empty and it is not a special token.
    func readMember(_ key: UnsafeRawBufferPointer.SubSequence, _ s: inout JSONScanner, into e: inout StreamEvent) throws -> DialectMember {
        if key.isKey("token") {
            var special = false, nonEmpty = false
            try s.readObject { s, k in
                if k.isKey("text") { nonEmpty = try s.readNonEmptyString() }
                else if k.isKey("special") { special = try s.readBool() ?? false }
                else { try s.skipValue() }
            }
            e.isToken = true
            e.hasText = nonEmpty && !special
            return .defining
        }
        if key.isKey("generated_text") {
            if capturesText {
                e.generatedText = try s.readTextOrNull()
                e.isFinal = e.generatedText != nil
            } else {
                e.isFinal = try s.readStringOrNull() != nil
            }
            return .read
        }
        if key.isKey("details") {
            if try !s.readNull() {
                try s.readObject { s, k in try StreamEventParser.readCounts(&s, k, into: &e, generated: "generated_tokens") }
            }
            return .read
        }
        return .unknown
    }
}
