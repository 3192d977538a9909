import Stats

/// How a dialect treated one top-level member of a stream event, so the shared event reader knows what is left to do.
enum DialectMember {
    /// The member that makes a payload one of this API's events (native `token`, OpenAI `choices`): an event without it is malformed.
    case defining
    /// A member the dialect read (its value is consumed).
    case read
    /// Not one of the dialect's members: the shared reader skips its value.
    case unknown
}

/// One wire API, so that adding an API is one conforming type plus its case in `Scenario.API.dialect`.
/// Chosen once per run (held by `RequestFactory` and `TransferSettings`); `readMember` runs per event member on the
/// per-token path, called from a reader specialised for each dialect, so it must not allocate.
protocol APIDialect: Sendable {
    /// The URL path requests stream from, appended to the target's base URL.
    var path: String { get }

    /// The request body asking `adapter` (empty for the base model) to continue `prompt`, the scenario's `parameters` merged in.
    func body(prompt: String, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue

    /// The body for `content`: text as `body(prompt:)`; a conversation as the API's messages, or flattened to text
    /// by APIs that take only text (the default).
    func body(content: PromptContent, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue

    /// True when the stream ends with a `data: [DONE]` sentinel rather than with a final JSON event.
    var endsWithDoneSentinel: Bool { get }

    /// The run keeps generated text (task workloads, `responses: true`): the reader then decodes token texts and an
    /// OpenAI chunk's `model` into the event; otherwise it skips them and allocates nothing for them.
    var capturesText: Bool { get }

    /// What an event lacking the defining member is called in its `protocol` error, e.g. `native event without "token"`.
    var withoutDefiningMember: String { get }

    /// Reads top-level member `key` of an event into `event`: which events are token events, which have text, where
    /// the server's counts are and which event is final. The shared reader handles `error` members before this is called.
    func readMember(_ key: UnsafeRawBufferPointer.SubSequence, _ s: inout JSONScanner, into event: inout StreamEvent) throws -> DialectMember

    /// One `data:` payload as an event; the default (`StreamEventParser`) is the one implementation every dialect shares.
    func parse(_ payload: [UInt8]) throws -> StreamEvent

    /// The same, from a view of the transport's buffer (the per-token path: no copy).
    func parse(raw payload: UnsafeRawBufferPointer) throws -> StreamEvent
}

extension APIDialect {
    func body(content: PromptContent, adapter: String, maxNewTokens: Int, parameters: [String: JSONValue]) -> JSONValue {
        body(prompt: content.flattened, adapter: adapter, maxNewTokens: maxNewTokens, parameters: parameters)
    }

    /// Every dialect's events go through the same reader, specialised for the dialect.
    func parse(_ payload: [UInt8]) throws -> StreamEvent { try payload.withUnsafeBytes { try StreamEventParser.parse($0, self) } }

    func parse(raw payload: UnsafeRawBufferPointer) throws -> StreamEvent { try StreamEventParser.parse(payload, self) }
}

extension Scenario.API {
    /// The one place an API's case meets the type that speaks it.
    var dialect: any APIDialect { dialect(capturingText: false) }

    /// The dialect, reading generated text and stated models into events when `capturingText`.
    func dialect(capturingText: Bool) -> any APIDialect {
        switch self {
        case .lorax: return LoraxDialect(capturesText: capturingText)
        case .openaiCompletions: return OpenAICompletionsDialect(capturesText: capturingText)
        case .openaiChat: return OpenAIChatDialect(capturesText: capturingText)
        }
    }
}
