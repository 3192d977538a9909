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
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(payload), options: [])
        } catch {
            throw Malformed(reason: "event is not JSON: \(preview(payload))")
        }
        guard let o = object as? [String: Any] else { throw Malformed(reason: "event is not a JSON object: \(preview(payload))") }
        var e = StreamEvent()
        if let err = o["error"] {
            e.errorMessage = (err as? String) ?? ((err as? [String: Any])?["message"] as? String) ?? "\(err)"
            e.errorType = (o["error_type"] as? String) ?? ((err as? [String: Any])?["type"] as? String) ?? "unknown"
            return e
        }
        switch api {
        case .lorax:
            guard let token = o["token"] as? [String: Any] else { throw Malformed(reason: "native event without \"token\": \(preview(payload))") }
            e.isToken = true
            let text = token["text"] as? String ?? ""
            let special = token["special"] as? Bool ?? false
            e.hasText = !special || !text.isEmpty
            if let generated = o["generated_text"], !(generated is NSNull) {
                e.isFinal = true
            }
            if let details = o["details"] as? [String: Any] {
                e.generatedTokens = details["generated_tokens"] as? Int
                e.promptTokens = details["prompt_tokens"] as? Int
                e.finishReason = details["finish_reason"] as? String
            }
        case .openaiCompletions, .openaiChat:
            guard let choices = o["choices"] as? [Any] else { throw Malformed(reason: "chunk without \"choices\": \(preview(payload))") }
            if let choice = choices.first as? [String: Any] {
                e.isToken = true
                let text: String
                if api == .openaiChat { text = (choice["delta"] as? [String: Any])?["content"] as? String ?? "" }
                else { text = choice["text"] as? String ?? "" }
                e.hasText = !text.isEmpty
                if let f = choice["finish_reason"] as? String { e.finishReason = f }
            }
            if let usage = o["usage"] as? [String: Any], let c = usage["completion_tokens"] as? Int, c > 0 {
                e.generatedTokens = c
                e.promptTokens = usage["prompt_tokens"] as? Int
            }
        }
        return e
    }

    static func preview(_ payload: [UInt8]) -> String {
        let s = String(decoding: payload.prefix(80), as: UTF8.self)
        return "\"" + s.replacingOccurrences(of: "\n", with: "\\n") + (payload.count > 80 ? "...\"" : "\"")
    }
}
