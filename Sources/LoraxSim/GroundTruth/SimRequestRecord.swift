/// What the server really did for one request; times are CLOCK_MONOTONIC microseconds
/// (`clock_gettime`), the same clock the load generator uses, so client and server times compare
/// directly even across processes.
///
/// Why: tests and benchmarks hold the client's measurements against this ground truth.
public struct SimRequestRecord: Codable, Sendable, Equatable {
    /// x-request-id: echoed from the request header when sent, otherwise generated; always sent back.
    public var id: String
    /// The route after gateway-prefix stripping, e.g. "/generate_stream".
    public var route: String
    /// Adapter id; "" is the base model.
    public var adapter: String
    /// Simulated input tokens.
    public var inputTokens: Int
    /// Effective max_new_tokens (LoRAX's default when the client sent none); 0 when rejected before validation.
    public var maxNewTokens: Int
    /// When the full body was received.
    public var receivedMicros: UInt64
    /// When the request joined the batch (end of queueing); nil if it never did.
    public var admittedMicros: UInt64?
    /// When the first token event was written to the socket (non-stream: when it was generated).
    public var firstTokenMicros: UInt64?
    /// When the last token event was written (non-stream: when it was generated).
    public var lastTokenMicros: UInt64?
    /// Write time of every token event, when `SimConfig.recordTokenTimes` is on.
    public var tokenMicros: [UInt64]?
    /// Tokens generated and sent (the EOS token counts, as in LoRAX's generated_tokens).
    public var outputTokens: Int
    /// This request had to wait for its adapter to be loaded.
    public var cold: Bool
    /// The injected fault, if any (`SimFaultKind` raw value).
    public var fault: String?
    /// HTTP status sent (200 for every stream route once headers went out; 499 when the client went away first).
    public var status: Int
    /// error_type of an error answer (in-stream or not), if any.
    public var errorType: String?
    /// finish_reason ("length", "eos_token") when the request completed.
    public var finishReason: String?
    /// Input tokens the prefix-cache model found cached for this adapter (nil when the model is off or it was never admitted).
    public var cachedPrefixTokens: Int? = nil
    /// The adapter that answered when it was not the one asked for (the `wrong_adapter` fault); nil otherwise.
    public var servedAdapter: String?
    /// The answer came from an answer key (right or wrong as the adapter's accuracy says); nil for ordinary words.
    public var answerKeyRight: Bool?

    enum CodingKeys: String, CodingKey {
        case id, route, adapter
        case inputTokens = "input_tokens", maxNewTokens = "max_new_tokens"
        case receivedMicros = "received_micros", admittedMicros = "admitted_micros"
        case firstTokenMicros = "first_token_micros", lastTokenMicros = "last_token_micros"
        case tokenMicros = "token_micros", outputTokens = "output_tokens"
        case cold, fault, status
        case errorType = "error_type", finishReason = "finish_reason"
        case cachedPrefixTokens = "cached_prefix_tokens"
        case servedAdapter = "served_adapter", answerKeyRight = "answer_key_right"
    }
}

extension SimRequestRecord {
    /// The record of a request answered before admission (drawn `http_error`, overload, validation): no times, no tokens.
    init(unadmitted spec: GenerationSpec, maxNew: Int, status: Int, errorType: String?, fault: SimFaultKind?) {
        self.init(id: spec.id, route: spec.route, adapter: spec.adapter, inputTokens: spec.inputTokens,
                  maxNewTokens: maxNew, receivedMicros: spec.receivedNanos / 1000, admittedMicros: nil,
                  firstTokenMicros: nil, lastTokenMicros: nil, tokenMicros: nil, outputTokens: 0, cold: false,
                  fault: fault?.rawValue, status: status, errorType: errorType, finishReason: nil)
    }

    /// The record of an admitted request as it ends.
    init(_ r: SimRequest, status: Int, errorType: String?, finish: String?) {
        self.init(id: r.spec.id, route: r.spec.route, adapter: r.spec.adapter, inputTokens: r.spec.inputTokens, maxNewTokens: r.maxNew,
                  receivedMicros: r.spec.receivedNanos / 1000, admittedMicros: r.admittedNanos > 0 ? r.admittedNanos / 1000 : nil,
                  firstTokenMicros: r.firstTokenMicros, lastTokenMicros: r.lastTokenMicros, tokenMicros: r.tokenMicros,
                  outputTokens: r.generated, cold: r.cold, fault: r.fault?.rawValue, status: status, errorType: errorType, finishReason: finish,
                  cachedPrefixTokens: r.cachedTokens)
        servedAdapter = r.spec.servedAdapter
        answerKeyRight = r.answerKeyRight
    }
}
