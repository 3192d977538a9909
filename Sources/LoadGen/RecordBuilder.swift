import Stats

/// Accumulates what one request's stream shows (timestamps per metrics.md) and turns it into a `RequestRecord`.
public struct RecordBuilder: Sendable {
    public var record: RequestRecord
    private var lastTokenMicros: UInt64?
    private var sawFinal = false
    private var serverTokens: Int?

    public init(sequence: Int, vu: Int, request: PreparedRequest, cold: Bool, intendedMicros: UInt64, sentMicros: UInt64) {
        record = RequestRecord(sequence: sequence, vu: vu, adapter: request.adapter, cold: cold,
                               intendedMicros: intendedMicros, sentMicros: sentMicros, endMicros: sentMicros,
                               inputWords: request.inputWords, maxNewTokens: request.maxNewTokens, status: 0)
    }

    /// True once the stream's final event was seen: later transport errors do not fail the request.
    public var isComplete: Bool { sawFinal }
    public var hasFailure: Bool { record.errorClass != nil }

    /// Applies one decoded event seen at `now`.
    public mutating func observe(_ e: StreamEvent, at now: UInt64) {
        guard !sawFinal, record.errorClass == nil else { return }
        if let type = e.errorType {
            fail(.stream, type: type, message: e.errorMessage ?? "", at: now)
            return
        }
        if e.isToken {
            record.tokenEvents += 1
            if let last = lastTokenMicros { record.tokenGapsMicros.append(now - last) }
            lastTokenMicros = now
            if record.firstTokenMicros == nil && e.hasText { record.firstTokenMicros = now }
        }
        if let g = e.generatedTokens { serverTokens = g }
        if let p = e.promptTokens, p > 0 { record.inputTokens = p }
        if let f = e.finishReason { record.finishReason = f }
        if e.isFinal {
            sawFinal = true
            record.endMicros = now
        }
    }

    /// Marks the request failed (first failure wins).
    public mutating func fail(_ cls: ErrorClass, type: String? = nil, message: String, at now: UInt64) {
        guard record.errorClass == nil, !sawFinal else { return }
        record.errorClass = cls
        record.errorType = type
        record.errorMessage = message
        record.endMicros = now
    }

    /// The finished record; a stream that ended without its final event or a failure is `incomplete`.
    public mutating func finish(at now: UInt64) -> RequestRecord {
        if !sawFinal && record.errorClass == nil {
            fail(.incomplete, message: "connection closed before the final event (\(record.tokenEvents) token events)", at: now)
        }
        if let s = serverTokens {
            record.outputTokens = s
            record.outputTokensSource = .server
        } else {
            record.outputTokens = record.tokenEvents
            record.outputTokensSource = .events
        }
        return record
    }
}
