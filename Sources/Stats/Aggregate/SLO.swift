/// Service-level objectives of a scenario; a request counts toward goodput when it succeeded and met every one set.
public struct SLO: Codable, Sendable, Equatable {
    public var ttftMs: Double?
    public var tpotMs: Double?
    public var e2eMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil, e2eMs: Double? = nil) {
        self.ttftMs = ttftMs; self.tpotMs = tpotMs; self.e2eMs = e2eMs
    }

    enum CodingKeys: String, CodingKey {
        case ttftMs = "ttft_ms", tpotMs = "tpot_ms", e2eMs = "e2e_ms"
    }

    /// True when no objective is set.
    public var isEmpty: Bool { ttftMs == nil && tpotMs == nil && e2eMs == nil }

    /// Whether a request met every objective that is set.
    public func isMet(by r: RequestRecord) -> Bool {
        guard r.succeeded else { return false }
        if let t = ttftMs { guard let v = r.ttftMicros, Double(v) <= t * 1000 else { return false } }
        if let t = tpotMs, let v = r.tpotMicros, Double(v) > t * 1000 { return false }
        if let t = e2eMs, Double(r.e2eMicros) > t * 1000 { return false }
        return true
    }
}
