import Foundation

/// What one SSE `data:` payload means for the measurement, for any supported API.
public struct StreamEvent: Equatable, Sendable {
    /// A generated-token event (one per `data:` event carrying a token or a choice).
    public var isToken = false
    /// The token carries visible text (or is a non-special token): it can be the first token.
    public var hasText = false
    /// The stream's last event (native: `generated_text` set; OpenAI: `[DONE]`).
    public var isFinal = false
    public var generatedTokens: Int?
    public var promptTokens: Int?
    public var finishReason: String?
    /// An in-stream `{"error", "error_type"}` event.
    public var errorType: String?
    public var errorMessage: String?

    public init() {}
}

/// Reads LoRAX native and OpenAI-compatible stream payloads into `StreamEvent`s.
public enum StreamEventParser {
    public struct Malformed: Error, Equatable, Sendable {
        public var reason: String
    }

    public static func parse(_ payload: [UInt8], api: Scenario.API) throws -> StreamEvent {
        if api != .lorax, payload.count == 6, payload.elementsEqual("[DONE]".utf8) {
            var e = StreamEvent()
            e.isFinal = true
            return e
        }
        let scanned: StreamEvent?
        do {
            scanned = try payload.withUnsafeBytes { try scan($0, api: api) }
        } catch is JSONScanner.Malformed {
            throw Malformed(reason: "event is not JSON: \(preview(payload))")
        }
        if let scanned { return scanned }
        return try parseError(payload)
    }

    /// The hot path: reads only the fields the measurement needs. Returns nil for an error event,
    /// which `parseError` decodes in full (escapes included).
    static func scan(_ bytes: UnsafeRawBufferPointer, api: Scenario.API) throws -> StreamEvent? {
        var s = JSONScanner(bytes)
        guard s.peek() == 0x7B else { throw Malformed(reason: "event is not a JSON object: \(preview(Array(bytes)))") }
        var e = StreamEvent()
        var isError = false, sawToken = false, sawChoices = false
        try s.readObject { s, key in
            if key.isKey("error") { isError = true; try s.skipValue() }
            else if api == .lorax && key.isKey("token") {
                sawToken = true
                var special = false, nonEmpty = false
                try s.readObject { s, k in
                    if k.isKey("text") { nonEmpty = !((try s.readStringOrNull())?.isEmpty ?? true) }
                    else if k.isKey("special") { special = try s.readBool() ?? false }
                    else { try s.skipValue() }
                }
                e.isToken = true
                e.hasText = !special || nonEmpty
            } else if api == .lorax && key.isKey("generated_text") {
                e.isFinal = try s.readStringOrNull() != nil
            } else if api == .lorax && key.isKey("details") {
                if try s.readNull() { return }
                try s.readObject { s, k in try readCounts(&s, k, into: &e, generated: "generated_tokens") }
            } else if api != .lorax && key.isKey("choices") {
                sawChoices = true
                try s.readArray { s, index in
                    guard index == 0 else { try s.skipValue(); return }
                    e.isToken = true
                    try s.readObject { s, k in
                        if k.isKey("text") { e.hasText = !((try s.readStringOrNull())?.isEmpty ?? true) }
                        else if k.isKey("delta") {
                            if try s.readNull() { return }
                            try s.readObject { s, dk in
                                if dk.isKey("content") { e.hasText = !((try s.readStringOrNull())?.isEmpty ?? true) } else { try s.skipValue() }
                            }
                        } else if k.isKey("finish_reason") {
                            if let f = try s.readStringOrNull() { e.finishReason = String(decoding: f, as: UTF8.self) }
                        } else { try s.skipValue() }
                    }
                }
            } else if api != .lorax && key.isKey("usage") {
                if try s.readNull() { return }
                var usage = StreamEvent()
                try s.readObject { s, k in try readCounts(&s, k, into: &usage, generated: "completion_tokens") }
                if let c = usage.generatedTokens, c > 0 { e.generatedTokens = c; e.promptTokens = usage.promptTokens }
            } else {
                try s.skipValue()
            }
        }
        guard s.atEnd() else { throw JSONScanner.Malformed() }
        if isError { return nil }
        if api == .lorax && !sawToken { throw Malformed(reason: "native event without \"token\": \(preview(Array(bytes)))") }
        if api != .lorax && !sawChoices { throw Malformed(reason: "chunk without \"choices\": \(preview(Array(bytes)))") }
        return e
    }

    private static func readCounts(_ s: inout JSONScanner, _ k: UnsafeRawBufferPointer.SubSequence, into e: inout StreamEvent,
                                   generated: StaticString) throws {
        if k.isKey(generated) { e.generatedTokens = try s.readInt() }
        else if k.isKey("prompt_tokens") { e.promptTokens = try s.readInt() }
        else if k.isKey("finish_reason") {
            if let f = try s.readStringOrNull() { e.finishReason = String(decoding: f, as: UTF8.self) }
        } else { try s.skipValue() }
    }

    /// An in-stream `{"error": …, "error_type": …}` event (LoRAX's shape, or OpenAI's `{"error": {"message", "type"}}`).
    static func parseError(_ payload: [UInt8]) throws -> StreamEvent {
        guard let o = try? JSONSerialization.jsonObject(with: Data(payload), options: []) as? [String: Any], let err = o["error"] else {
            throw Malformed(reason: "event is not JSON: \(preview(payload))")
        }
        var e = StreamEvent()
        e.errorMessage = (err as? String) ?? ((err as? [String: Any])?["message"] as? String) ?? "\(err)"
        e.errorType = (o["error_type"] as? String) ?? ((err as? [String: Any])?["type"] as? String) ?? "unknown"
        return e
    }

    static func preview(_ payload: [UInt8]) -> String {
        let s = String(decoding: payload.prefix(80), as: UTF8.self)
        return "\"" + s.replacingOccurrences(of: "\n", with: "\\n") + (payload.count > 80 ? "...\"" : "\"")
    }
}
