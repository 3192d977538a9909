import Foundation

/// What one SSE `data:` payload means for the measurement, for any supported API.
public struct StreamEvent: Equatable, Sendable {
    /// The event carries a generated token (its text may be empty): the first one is t_first_token (metrics.md).
    public var isToken = false
    /// The token has visible text: the first such event is t_first_text.
    public var hasText = false
    /// The stream's last event (native: `generated_text` set; OpenAI: `[DONE]`).
    public var isFinal = false
    public var generatedTokens: Int?
    public var promptTokens: Int?
    public var finishReason: String?
    /// An in-stream `{"error", "error_type"}` event.
    public var errorType: String?
    public var errorMessage: String?
    /// Read only when the run keeps responses (the dialect's `capturesText`): this token's text (OpenAI chunks),
    /// the whole answer (native final event's `generated_text`), and an OpenAI chunk's `model`.
    public var tokenText: String?
    public var generatedText: String?
    public var model: String?

    public init() {}
}

/// Reads stream payloads into `StreamEvent`s: the parts every API shares (JSON framing, `[DONE]`, error events,
/// token counts), with an `APIDialect` saying what its own members mean.
public enum StreamEventParser {
    public struct Malformed: Error, Equatable, Sendable {
        public var reason: String
    }

    /// One payload of `api`'s stream; the transport holds its dialect instead, chosen once per run.
    public static func parse(_ payload: [UInt8], api: Scenario.API) throws -> StreamEvent {
        try api.dialect.parse(payload)
    }

    /// One payload read the way `dialect` reads it; generic so each dialect's reader is specialised, not dispatched per member.
    static func parse<D: APIDialect>(_ payload: UnsafeRawBufferPointer, _ dialect: D) throws -> StreamEvent {
        if dialect.endsWithDoneSentinel, payload.count == 6, payload.elementsEqual("[DONE]".utf8) {
            var e = StreamEvent()
            e.isFinal = true
            return e
        }
        let scanned: StreamEvent?
        do {
            scanned = try scan(payload, dialect)
        } catch is JSONScanner.Malformed {
            throw Malformed(reason: "event is not JSON: \(preview(Array(payload)))")
        }
        if let scanned { return scanned }
        return try parseError(Array(payload))
    }

    /// The hot path: reads only the fields the measurement needs. Returns nil for an error event,
    /// which `parseError` decodes in full (escapes included).
    static func scan<D: APIDialect>(_ bytes: UnsafeRawBufferPointer, _ dialect: D) throws -> StreamEvent? {
        var s = JSONScanner(bytes)
        guard s.peek() == 0x7B else { throw Malformed(reason: "event is not a JSON object: \(preview(Array(bytes)))") }
        var e = StreamEvent()
        var isError = false, sawDefining = false
        try s.readObject { s, key in
            if key.isKey("error") { isError = true; try s.skipValue(); return }
            switch try dialect.readMember(key, &s, into: &e) {
            case .defining: sawDefining = true
            case .read: break
            case .unknown: try s.skipValue()
            }
        }
        guard s.atEnd() else { throw JSONScanner.Malformed() }
        if isError { return nil }
        if !sawDefining { throw Malformed(reason: "\(dialect.withoutDefiningMember): \(preview(Array(bytes)))") }
        return e
    }

    /// The counts reader every dialect shares: `generated` names the generated-token key of its counts object.
    static func readCounts(_ s: inout JSONScanner, _ k: UnsafeRawBufferPointer.SubSequence, into e: inout StreamEvent,
                           generated: StaticString) throws {
        if k.isKey(generated) { e.generatedTokens = try s.readInt() }
        else if k.isKey("prompt_tokens") { e.promptTokens = try s.readInt() }
        else if k.isKey("finish_reason") {
            if let f = try s.readTextOrNull() { e.finishReason = f }
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
