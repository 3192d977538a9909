import Stats

/// One message of a chat conversation, as the OpenAI chat API takes it.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What a request asks the model to continue: plain text, or a conversation (chat APIs send it as `messages`;
/// text-only APIs get it flattened, so a multi-turn workload still runs against `lorax` and `openai-completions`).
public enum PromptContent: Sendable, Equatable {
    case text(String)
    case messages([ChatMessage])

    /// The content as one string: the text itself, or each message as `role: content` on its own line.
    public var flattened: String {
        switch self {
        case .text(let t): return t
        case .messages(let m): return m.map { "\($0.role): \($0.content)" }.joined(separator: "\n")
        }
    }
}

/// Everything a `PromptSource` decides for one request. Fields left nil are the scenario's to decide:
/// the factory draws `max_new_tokens` and the adapter from the scenario for them.
public struct Prompt: Sendable, Equatable {
    public var content: PromptContent
    /// The prompt's length in words, recorded as `input_words` (the source's own count; a dataset row counts its words).
    public var inputWords: Int
    /// The adapter to send to ("" for the base model); nil lets the scenario's adapter mix pick.
    public var adapter: String?
    /// max_new_tokens / max_tokens; nil lets the scenario's `max_new_tokens` pick.
    public var maxNewTokens: Int?
    /// The answer the request should get, for sources that know it (datasets with an answer column, tasks);
    /// carried to the request, never sent.
    public var expectedAnswer: String?
    /// Where the prompt came from (trace line, session and turn, prefix group), recorded in requests.csv.
    public var origin: RequestOrigin
    /// For trace replay: the arrival's offset from the window start as the trace says (after `speed`), recorded
    /// so lateness can be checked against the trace; nil for sources that do not set arrival times.
    public var arrivalOffsetMicros: UInt64?

    public init(content: PromptContent, inputWords: Int, adapter: String? = nil, maxNewTokens: Int? = nil,
                expectedAnswer: String? = nil, origin: RequestOrigin = RequestOrigin(), arrivalOffsetMicros: UInt64? = nil) {
        self.content = content
        self.inputWords = inputWords
        self.adapter = adapter
        self.maxNewTokens = maxNewTokens
        self.expectedAnswer = expectedAnswer
        self.origin = origin
        self.arrivalOffsetMicros = arrivalOffsetMicros
    }

    /// Plain text of `inputWords` words.
    public static func text(_ s: String, words: Int) -> Prompt { Prompt(content: .text(s), inputWords: words) }
}
