/// How a request failed, per metrics.md: each failed request carries exactly one class.
public enum ErrorClass: String, Codable, Sendable, CaseIterable {
    /// Refused, DNS or TLS failure: no HTTP exchange happened.
    case connect
    /// The request timeout or the stream idle timeout fired.
    case timeout
    /// A non-2xx HTTP status.
    case http
    /// An in-stream `{"error", "error_type"}` event.
    case stream
    /// The connection closed before the final event.
    case incomplete
    /// Malformed SSE or JSON, or an event over the size bound.
    case `protocol`
    /// The server said another adapter answered (LoRAX's `x-adapter-id`, an OpenAI chunk's `model`): the stream itself
    /// completed, but its text is not the asked adapter's.
    case adapterMismatch = "adapter_mismatch"
}

/// Where `output_tokens` came from: the server's own count or the number of token events seen.
public enum TokenCountSource: String, Codable, Sendable {
    case server
    case events
}

/// Everything measured about one request; times are CLOCK_MONOTONIC microseconds.
public struct RequestRecord: Sendable, Equatable {
    /// Order in which requests were started in the run (0-based).
    public var sequence: Int
    /// The virtual user (closed model) or slot (open model) that sent it.
    public var vu: Int
    /// Index of the scenario stage the request was scheduled in (0 for single-stage loads).
    public var stage: Int = 0
    /// Adapter id; empty means the base model.
    public var adapter: String
    /// True for the run's first request to this adapter (first touch).
    public var cold: Bool
    public var intendedMicros: UInt64
    public var sentMicros: UInt64
    /// The first event carrying a generated token (empty text included), as servers count TTFT.
    public var firstTokenMicros: UInt64?
    /// The first event with visible text (what a person sees first).
    public var firstTextMicros: UInt64?
    public var endMicros: UInt64
    /// Gaps between consecutive token events (inter-token latency samples), the first `keptGaps` of them exactly.
    public var tokenGapsMicros: [UInt64]
    /// Gaps past the first `keptGaps`, counted per value rounded to three significant digits (the histograms'
    /// own resolution), so a stream that never ends costs bounded memory and loses no precision.
    public var foldedGapsMicros: [UInt64: UInt64] = [:]
    /// How many gaps a record keeps exactly before folding the rest.
    public static let keptGaps = 4096
    /// A token count the server claimed that cannot be right (negative, zero with tokens seen, or above what was
    /// asked for): kept here for the CSV, while `outputTokens` falls back to the event count.
    public var implausibleServerTokens: Int?
    public var tokenEvents: Int
    public var outputTokens: Int
    public var outputTokensSource: TokenCountSource
    public var inputWords: Int
    public var inputTokens: Int?
    public var maxNewTokens: Int
    /// HTTP status; 0 when no response head arrived.
    public var status: Int
    public var finishReason: String?
    public var errorClass: ErrorClass?
    /// The server's `error_type` for stream errors.
    public var errorType: String?
    public var errorMessage: String?
    /// The server's `x-request-id`, when it sent one.
    public var requestId: String?
    /// The `x-request-id` lorabench sent (`<run id>-<sequence>`), to join with the server's logs.
    public var clientRequestId: String?
    /// Time spent opening a new connection (TCP, TLS) within the request; 0 when a kept-alive one was reused.
    public var connectMicros: UInt64 = 0
    /// Where the workload took the request from (trace line, session, turn, prefix group).
    public var origin = RequestOrigin()
    /// Trace replay: the arrival's offset from the window start as the trace says (after `speed`).
    public var traceOffsetMicros: UInt64?
    /// The adapter the server said answered (`x-adapter-id`, or an OpenAI chunk's `model`); nil when it did not say.
    public var servedAdapter: String?
    /// The generated text, kept only when the run keeps responses (task workloads, `responses: true`).
    public var generatedText: String?

    public init(sequence: Int, vu: Int, adapter: String, cold: Bool, intendedMicros: UInt64, sentMicros: UInt64,
                firstTokenMicros: UInt64? = nil, endMicros: UInt64, tokenGapsMicros: [UInt64] = [], tokenEvents: Int = 0,
                outputTokens: Int = 0, outputTokensSource: TokenCountSource = .events, inputWords: Int, inputTokens: Int? = nil,
                maxNewTokens: Int, status: Int, finishReason: String? = nil, errorClass: ErrorClass? = nil,
                errorType: String? = nil, errorMessage: String? = nil, requestId: String? = nil) {
        self.sequence = sequence; self.vu = vu; self.adapter = adapter; self.cold = cold
        self.intendedMicros = intendedMicros; self.sentMicros = sentMicros; self.firstTokenMicros = firstTokenMicros
        self.endMicros = endMicros; self.tokenGapsMicros = tokenGapsMicros; self.tokenEvents = tokenEvents
        self.outputTokens = outputTokens; self.outputTokensSource = outputTokensSource; self.inputWords = inputWords
        self.inputTokens = inputTokens; self.maxNewTokens = maxNewTokens; self.status = status
        self.finishReason = finishReason; self.errorClass = errorClass; self.errorType = errorType
        self.errorMessage = errorMessage; self.requestId = requestId
    }

    public var succeeded: Bool { errorClass == nil }

    /// t_first_token − t_sent.
    public var ttftMicros: UInt64? { firstTokenMicros.map { $0 &- sentMicros } }
    /// t_first_text − t_sent.
    public var ttftVisibleMicros: UInt64? { firstTextMicros.map { $0 &- sentMicros } }
    /// t_first_token − t_intended.
    public var ttftIntendedMicros: UInt64? { firstTokenMicros.map { $0 &- intendedMicros } }
    /// t_sent − t_intended.
    public var scheduleLagMicros: UInt64 { sentMicros >= intendedMicros ? sentMicros - intendedMicros : 0 }
    /// t_end − t_sent.
    public var e2eMicros: UInt64 { endMicros >= sentMicros ? endMicros - sentMicros : 0 }
    /// t_end − t_intended.
    public var e2eIntendedMicros: UInt64 { endMicros >= intendedMicros ? endMicros - intendedMicros : 0 }
    /// (e2e − ttft) / (output_tokens − 1), only for two or more output tokens.
    public var tpotMicros: UInt64? {
        guard outputTokens >= 2, let ttft = ttftMicros, e2eMicros >= ttft else { return nil }
        return (e2eMicros - ttft) / UInt64(outputTokens - 1)
    }
}
