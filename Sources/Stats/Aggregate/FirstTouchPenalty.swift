/// What a first touch of an adapter cost against the repeat requests that were waiting for their first token at
/// the same moment (their [send, first token] overlaps the first touch's): the penalty of that adapter's load
/// under the same server state, not against the whole run's TTFT. Memory is bounded: one entry per first touch
/// (one per adapter), a ring of the most recent repeats, and at most `maxSamples` neighbours per first touch.
/// Threading: not thread-safe; the run calls it from its stats queue, like `RunRecorder`.
public struct FirstTouchPenalty: Sendable {
    /// One first touch and the TTFTs of the repeats in flight beside it.
    struct Touch: Sendable {
        var adapter: String
        var sent: UInt64
        var firstToken: UInt64
        var neighbours: [UInt64] = []
    }

    static let maxSamples = 256
    static let ringSize = 4096
    private var touches: [Touch] = []
    private var ring: [(sent: UInt64, firstToken: UInt64)] = []
    private var ringNext = 0

    public init() {}

    /// Folds one succeeded request with a first token in.
    public mutating func add(_ r: RequestRecord) {
        guard r.succeeded, let first = r.firstTokenMicros else { return }
        if r.cold {
            var t = Touch(adapter: r.adapter, sent: r.sentMicros, firstToken: first)
            // Repeats that completed before this first touch did.
            for w in ring where t.neighbours.count < Self.maxSamples && Self.overlap(w.sent, w.firstToken, t.sent, t.firstToken) {
                t.neighbours.append(w.firstToken &- w.sent)
            }
            touches.append(t)
            return
        }
        for i in touches.indices where touches[i].neighbours.count < Self.maxSamples
            && Self.overlap(r.sentMicros, first, touches[i].sent, touches[i].firstToken) {
            touches[i].neighbours.append(first &- r.sentMicros)
        }
        if ring.count < Self.ringSize { ring.append((r.sentMicros, first)) } else { ring[ringNext] = (r.sentMicros, first) }
        ringNext = (ringNext + 1) % Self.ringSize
    }

    static func overlap(_ a0: UInt64, _ a1: UInt64, _ b0: UInt64, _ b1: UInt64) -> Bool { a0 <= b1 && b0 <= a1 }

    /// Per adapter: the first touch's TTFT, the median TTFT of the repeats beside it and the difference, in ms.
    public var rows: [Row] {
        touches.map { t in
            let ttft = Double(t.firstToken &- t.sent) / 1000
            let sorted = t.neighbours.sorted()
            let median = sorted.isEmpty ? nil : Double(sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2000
            return Row(adapter: t.adapter, ttftMs: Self.round3(ttft), concurrentRepeatP50Ms: median.map(Self.round3),
                       concurrentRepeats: sorted.count, penaltyMs: median.map { Self.round3(ttft - $0) })
        }.sorted { $0.adapter < $1.adapter }
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    /// One adapter's first touch beside its neighbours.
    public struct Row: Codable, Sendable, Equatable {
        public var adapter: String
        public var ttftMs: Double
        /// Median TTFT of repeat requests waiting for their first token at the same moment; nil when none were.
        public var concurrentRepeatP50Ms: Double?
        public var concurrentRepeats: Int
        /// `ttftMs` − `concurrentRepeatP50Ms`; nil without neighbours (no claim is made).
        public var penaltyMs: Double?

        enum CodingKeys: String, CodingKey {
            case adapter
            case ttftMs = "ttft_ms", concurrentRepeatP50Ms = "concurrent_repeat_p50_ms"
            case concurrentRepeats = "concurrent_repeats", penaltyMs = "penalty_ms"
        }
    }
}
