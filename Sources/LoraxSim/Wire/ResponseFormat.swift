import Stats
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes and headers of LoRAX's answers: per-token events, final stream events, complete
/// bodies and response heads, for each route flavor.
///
/// Immutable after init, so `Sendable`; one is shared by every replica.
struct ResponseFormat: Sendable {
    /// Every word with its pre-framed per-token events.
    let vocab: Vocab
    /// The base model id written into headers and OpenAI bodies.
    let modelId: String

    init(modelId: String, extraWords: [String] = []) {
        self.modelId = modelId
        vocab = Vocab(extraWords: extraWords)
    }

    /// The pre-framed, non-final token event of `word` for a stream of this flavor.
    func tokenEvent(_ flavor: Flavor, word: Int) -> ByteBuffer {
        switch flavor {
        case .native: return vocab.nativeEvents[word]
        case .chat: return vocab.chatEvents[word]
        case .completions: return vocab.completionEvents[word]
        }
    }

    private func generatedTextEscaped(_ r: SimRequest) -> String {
        var s = ""
        s.reserveCapacity(r.words.count * 6)
        for w in r.words { s += vocab.words[Int(w)].escaped }
        return s
    }

    /// The last event(s) of a stream: the final token with the whole text (native) or the finish chunk and `[DONE]` (OpenAI).
    func finalEvent(_ r: SimRequest, eos: Bool, lastWord: Int) -> String {
        let text = generatedTextEscaped(r)
        switch r.spec.flavor {
        case .native:
            let token = eos ? Vocab.eosTokenJSON : Vocab.tokenJSON(vocab.words[lastWord])
            var s = "data: {\"token\":\(token),\"generated_text\":\"\(text)\",\"details\":"
            if r.spec.details {
                s += "{\"finish_reason\":\"\(eos ? "eos_token" : "length")\",\"prompt_tokens\":\(r.spec.inputTokens),\"generated_tokens\":\(r.generated),\"seed\":null}"
            } else {
                s += "null"
            }
            return s + "}\n\n"
        case .chat:
            let content = eos ? nil : vocab.words[lastWord].escaped
            return "data: " + Vocab.chatChunk(content: content, finish: eos ? "stop" : "length", usage: (r.spec.inputTokens, r.generated))
                + "\n\ndata: [DONE]\n\n"
        case .completions:
            let t = eos ? "" : vocab.words[lastWord].escaped
            return "data: " + Vocab.completionChunk(text: t, finish: eos ? "stop" : "length", usage: (r.spec.inputTokens, r.generated))
                + "\n\ndata: [DONE]\n\n"
        }
    }

    /// The complete body of a non-stream answer.
    func fullBody(_ r: SimRequest, finish: String, eos: Bool) -> String {
        let text = generatedTextEscaped(r)
        switch r.spec.flavor {
        case .native:
            var s = "{\"generated_text\":\"\(text)\""
            if r.spec.details {
                s += ",\"details\":{\"finish_reason\":\"\(finish)\",\"prompt_tokens\":\(r.spec.inputTokens),\"generated_tokens\":\(r.generated),\"skipped_tokens\":0,\"seed\":null,\"prefill\":[],\"tokens\":["
                for (i, w) in r.words.enumerated() {
                    if i > 0 { s += "," }
                    s += Vocab.tokenJSON(vocab.words[Int(w)])
                }
                if eos { s += (r.words.isEmpty ? "" : ",") + Vocab.eosTokenJSON }
                s += "]}"
            }
            s += "}"
            return r.spec.compatArray ? "[\(s)]" : s
        case .chat:
            var created = timespec()
            clock_gettime(CLOCK_REALTIME, &created)
            return "{\"id\":\"null\",\"object\":\"text_completion\",\"created\":\(created.tv_sec),\"model\":\(JSONEscape.quoted(modelId)),"
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\(text)\"},\"finish_reason\":\"\(ResponseFormat.openAIFinishReason(finish))\"}],"
                + "\"usage\":\(Vocab.usageJSON(r.spec.inputTokens, r.generated)),\"system_fingerprint\":\"0.1.0-native\"}"
        case .completions:
            return "{\"id\":\"null\",\"object\":\"text_completion\",\"created\":0,\"model\":\"null\",\"choices\":[{\"index\":0,\"text\":\"\(text)\","
                + "\"logprobs\":null,\"finish_reason\":\"\(ResponseFormat.openAIFinishReason(finish))\"}],\"usage\":\(Vocab.usageJSON(r.spec.inputTokens, r.generated))}"
        }
    }

    /// OpenAI finish_reason mapping from LoRAX's (`stop_sequence` → `content_filter` is LoRAX's quirk).
    static func openAIFinishReason(_ lorax: String) -> String {
        switch lorax {
        case "eos_token": return "stop"
        case "stop_sequence": return "content_filter"
        default: return "length"
        }
    }

    /// The head of a JSON error or fault answer: the request id and `content-type: application/json`.
    func jsonHeaders(_ spec: GenerationSpec) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "x-request-id", value: spec.id)
        h.add(name: "content-type", value: "application/json")
        return h
    }

    /// The head of an SSE stream.
    func streamHeaders(_ spec: GenerationSpec) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "text/event-stream")
        h.add(name: "cache-control", value: "no-cache")
        h.add(name: "x-compute-type", value: "gpu+optimized")
        h.add(name: "x-compute-characters", value: String(spec.inputChars))
        h.add(name: "x-accel-buffering", value: "no")
        h.add(name: "x-model-id", value: modelId)
        if !spec.answeringAdapter.isEmpty {
            h.add(name: "x-adapter-id", value: spec.answeringAdapter)
            h.add(name: "x-adapter-source", value: "hub")
        }
        h.add(name: "x-request-id", value: spec.id)
        return h
    }

    /// The head of a complete answer, with LoRAX's timing and token-count headers as of `now`.
    func fullHeaders(_ r: SimRequest, now: UInt64) -> HTTPHeaders {
        func ms(_ ns: UInt64) -> String { String(ns / 1_000_000) }
        let received = r.spec.receivedNanos
        let total = now &- received
        let queue = r.admittedNanos &- received
        let inference = now &- r.admittedNanos
        let ttft = (r.firstTokenMicros.map { $0 * 1000 } ?? now) &- received
        let perToken = r.generated > 0 ? inference / UInt64(r.generated) : 0
        let perOutput = r.generated > 1 ? (now &- (r.firstTokenMicros.map { $0 * 1000 } ?? now)) / UInt64(r.generated - 1) : 0
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "application/json")
        h.add(name: "x-compute-type", value: "gpu+optimized")
        h.add(name: "x-compute-time", value: ms(total))
        h.add(name: "x-compute-characters", value: String(r.spec.inputChars))
        h.add(name: "x-total-time", value: ms(total))
        h.add(name: "x-validation-time", value: "0")
        h.add(name: "x-queue-time", value: ms(queue))
        h.add(name: "x-inference-time", value: ms(inference))
        h.add(name: "x-time-per-token", value: ms(perToken))
        h.add(name: "x-time-to-first-token", value: ms(ttft))
        h.add(name: "x-time-per-output-token", value: ms(perOutput))
        h.add(name: "x-prompt-tokens", value: String(r.spec.inputTokens))
        h.add(name: "x-generated-tokens", value: String(r.generated))
        h.add(name: "x-skipped-tokens", value: "0")
        h.add(name: "x-total-tokens", value: String(r.spec.inputTokens + r.generated))
        h.add(name: "x-model-id", value: modelId)
        if !r.spec.answeringAdapter.isEmpty {
            h.add(name: "x-adapter-id", value: r.spec.answeringAdapter)
            h.add(name: "x-adapter-source", value: "hub")
        }
        h.add(name: "x-request-id", value: r.spec.id)
        return h
    }
}
