import Stats

/// Accumulates what one request's stream shows (timestamps per metrics.md) and turns it into a `RequestRecord`.
/// It is the record's only writer, so its rules hold by construction: the first failure wins, nothing counts after the
/// final event or a failure, and the end is never before the send.
public struct RecordBuilder: Sendable {
    private var record: RequestRecord
    private var lastTokenMicros: UInt64?
    private var sawFinal = false
    private var serverTokens: Int?
    /// The first statement of another adapter than the one asked for, and where it came from.
    private var mismatch: (adapter: String, source: AdapterIdentity.Source)?

    /// A request scheduled for `intendedMicros`; it counts as sent then until `sent(at:)` says otherwise.
    public init(sequence: Int, vu: Int, stage: Int = 0, request: PreparedRequest, cold: Bool, intendedMicros: UInt64) {
        record = RequestRecord(sequence: sequence, vu: vu, adapter: request.adapter, cold: cold,
                               intendedMicros: intendedMicros, sentMicros: intendedMicros, endMicros: intendedMicros,
                               inputWords: request.inputWords, maxNewTokens: request.maxNewTokens, status: 0)
        record.stage = stage
        record.clientRequestId = request.clientRequestId
        record.origin = request.origin
        record.traceOffsetMicros = request.arrivalOffsetMicros
    }

    /// True once the stream's final event was seen: later transport errors do not fail the request.
    public var isComplete: Bool { sawFinal }
    public var hasFailure: Bool { record.errorClass != nil }

    /// Records t_sent; ignored once the stream has shown anything, since every later timestamp is measured from it.
    public mutating func sent(at now: UInt64) {
        guard lastTokenMicros == nil, !sawFinal, record.errorClass == nil else { return }
        record.sentMicros = now
        record.endMicros = now
    }

    /// What the transport learned about the exchange itself, recorded whatever the stream's outcome.
    public mutating func response(status: Int, requestId: String?, connectMicros: UInt64) {
        record.status = status
        record.requestId = requestId
        record.connectMicros = connectMicros
    }

    /// Applies one decoded event seen at `now`.
    public mutating func observe(_ e: StreamEvent, at now: UInt64) {
        guard !sawFinal, record.errorClass == nil else { return }
        if let type = e.errorType {
            fail(.stream, type: type, message: e.errorMessage ?? "", at: now)
            return
        }
        if e.isToken {
            record.tokenEvents += 1
            if let last = lastTokenMicros { addGap(now >= last ? now - last : 0) }
            lastTokenMicros = now
            if record.firstTokenMicros == nil { record.firstTokenMicros = now }
            if record.firstTextMicros == nil && e.hasText { record.firstTextMicros = now }
        }
        if let t = e.generatedText { record.generatedText = t }
        else if let t = e.tokenText { record.generatedText = (record.generatedText ?? "") + t }
        if let m = e.model { stated(adapter: m, by: .chunkModel) }
        if let g = e.generatedTokens { serverTokens = g }
        if let p = e.promptTokens, p > 0, p < 100_000_000 { record.inputTokens = p }
        if let f = e.finishReason { record.finishReason = f }
        if e.isFinal {
            sawFinal = true
            end(at: now)
        }
    }

    /// The server said which adapter answered; a statement naming another than the one asked for makes the
    /// request an `adapter_mismatch` when it ends (unless it failed otherwise), its stream still timed as usual.
    public mutating func stated(adapter value: String, by source: AdapterIdentity.Source) {
        switch AdapterIdentity.judge(asked: record.adapter, stated: value, source: source) {
        case .unstated: return
        case .confirmed: if record.servedAdapter == nil { record.servedAdapter = value }
        case .mismatch:
            if mismatch == nil {
                mismatch = (value, source)
                record.servedAdapter = value
            }
        }
    }

    /// The server's headers show the base model answered (LoRAX's `x-model-id` without `x-adapter-id`) while an
    /// adapter was asked for.
    public mutating func statedBaseModel(by source: AdapterIdentity.Source) {
        guard !record.adapter.isEmpty, mismatch == nil else { return }
        mismatch = ("", source)
        record.servedAdapter = ""
    }

    /// Marks the request failed (first failure wins).
    public mutating func fail(_ cls: ErrorClass, type: String? = nil, message: String, at now: UInt64) {
        guard record.errorClass == nil, !sawFinal else { return }
        record.errorClass = cls
        record.errorType = type
        record.errorMessage = message
        end(at: now)
    }

    /// The finished record; a stream that ended without its final event or a failure is `incomplete`.
    public mutating func finish(at now: UInt64) -> RequestRecord {
        if !sawFinal && record.errorClass == nil {
            fail(.incomplete, message: "connection closed before the final event (\(record.tokenEvents) token events)", at: now)
        }
        if let m = mismatch, record.errorClass == nil {
            record.errorClass = .adapterMismatch
            let who = m.adapter.isEmpty ? "the base model answered (x-model-id without x-adapter-id)" : "adapter \"\(m.adapter)\" answered (\(m.source.rawValue))"
            record.errorMessage = "the server says \(who); asked for " + (record.adapter.isEmpty ? "the base model" : "\"\(record.adapter)\"")
        }
        if let s = serverTokens, Self.plausible(s, events: record.tokenEvents, asked: record.maxNewTokens) {
            record.outputTokens = s
            record.outputTokensSource = .server
        } else {
            record.implausibleServerTokens = serverTokens
            record.outputTokens = record.tokenEvents
            record.outputTokensSource = .events
        }
        return record
    }

    /// A server's token count is believed when it fits what was seen and asked: not negative, not zero when tokens
    /// arrived, no more than `max_new_tokens` (or the events seen), and no fewer than the events seen less one (some
    /// servers end with an event that carries no token of its own).
    static func plausible(_ count: Int, events: Int, asked: Int) -> Bool {
        count >= 0 && !(count == 0 && events > 0) && count <= Swift.max(asked, events) && count >= events - 1
    }

    /// One inter-token gap: kept exactly up to `RequestRecord.keptGaps`, then folded by value.
    private mutating func addGap(_ gap: UInt64) {
        if record.tokenGapsMicros.count < RequestRecord.keptGaps {
            // One allocation per request, sized for what was asked, rather than a doubling every few tokens.
            if record.tokenGapsMicros.isEmpty {
                record.tokenGapsMicros.reserveCapacity(Swift.min(RequestRecord.keptGaps, Swift.max(16, record.maxNewTokens)))
            }
            record.tokenGapsMicros.append(gap)
        } else {
            record.foldedGapsMicros[Self.threeDigits(gap), default: 0] += 1
        }
    }

    /// `v` rounded down to three significant digits (the HDR histograms' resolution).
    static func threeDigits(_ v: UInt64) -> UInt64 {
        var scale: UInt64 = 1
        while v / scale >= 1000 { scale *= 10 }
        return v / scale * scale
    }

    private mutating func end(at now: UInt64) {
        record.endMicros = max(now, record.sentMicros)
    }
}
