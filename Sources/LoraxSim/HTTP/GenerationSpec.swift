/// One generation request as the simulator sees it: what the body asks for, how long its prompt
/// is, and who sent it when.
///
/// Filled in two stages on the connection's loop: `RequestParsing` sets what the body says and
/// keeps the prompt text; `HTTPHandler` then stamps the id, route and arrival time and calls
/// `measurePrompt`, which counts the prompt and drops its text, so queued requests hold no prompts.
struct GenerationSpec {
    /// How the route shapes its output.
    var flavor: Flavor
    var stream: Bool
    /// POST / or /invocations with stream=false answers `[ {...} ]`.
    var compatArray: Bool
    /// Adapter id; "" is the base model.
    var adapter: String
    /// The prompt text (OpenAI chat: the message texts joined), until `measurePrompt` drops it.
    var prompt: String?
    /// nil when the client sent none.
    var maxNewTokens: Int?
    var details: Bool
    /// A stream-only rejection (best_of, decoder_input_details), already worded.
    var streamRejection: String?
    /// The client asked for `temperature: 0`: the words are then drawn from a seed of the prompt and the adapter, so
    /// the same prompt to the same adapter gets the same answer (greedy decoding), as golden canaries expect.
    var greedy = false

    /// Hash of the prompt (`AnswerBook.hash`), kept when the text is dropped: it finds the prompt's answer-key row
    /// and seeds greedy answers.
    var promptHash: UInt64 = 0
    /// The adapter that really answers when the `wrong_adapter` fault fired; nil means `adapter`.
    var servedAdapter: String?
    /// The adapter whose weights, headers and answers this request gets.
    var answeringAdapter: String { servedAdapter ?? adapter }

    /// Simulated input tokens (set by `measurePrompt`).
    var inputTokens = 0
    /// Characters in the prompt (set by `measurePrompt`).
    var inputChars = 0
    /// The prompt's prefix-cache block hashes (set by `measurePrompt` when the prefix-cache model is on).
    var prefixBlocks: [UInt64] = []
    /// The prompt was empty (LoRAX rejects it).
    var inputsEmpty: Bool { inputChars == 0 }

    /// x-request-id, sent or generated.
    var id = ""
    /// The route after gateway-prefix stripping.
    var route = ""
    /// When the full body was received (monotonic nanoseconds).
    var receivedNanos: UInt64 = 0

    /// Counts the prompt (no tokenizer: ceil(words × tokensPerWord), at least 1 when not empty) and drops its text.
    mutating func measurePrompt(tokensPerWord: Double, prefixBlockWords: Int? = nil) {
        let text = prompt ?? ""
        if let w = prefixBlockWords { prefixBlocks = PrefixCache.blocks(of: text, blockWords: w) }
        promptHash = AnswerBook.hash(text)
        inputTokens = text.isEmpty ? 0 : max(1, Int((Double(Self.wordCount(text)) * tokensPerWord).rounded(.up)))
        inputChars = text.count
        prompt = nil
    }

    /// Whitespace-separated words in `s`.
    static func wordCount(_ s: String) -> Int {
        var n = 0
        var inWord = false
        for b in s.utf8 {
            let ws = b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
            if !ws && !inWord { n += 1 }
            inWord = !ws
        }
        return n
    }
}
