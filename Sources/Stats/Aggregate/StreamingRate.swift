/// Tokens per second of the window counted when they arrived, not when their request finished (timeseries.csv
/// counts a request's tokens in the second it completed, so long streams make a sawtooth). Folded from each record's
/// first-token time and gaps as it completes; memory is two numbers per second of the window.
/// When a server put several tokens in one event, the request's tokens are spread evenly over its events; events
/// past the exactly kept gaps are spread evenly between the last kept one and the request's end.
public struct StreamingRate: Sendable, Equatable {
    public private(set) var events: [Int] = []
    public private(set) var tokens: [Double] = []
    /// Longest window folded (a day); arrivals beyond it are not counted, so hostile clocks cannot grow memory.
    public static let maxSeconds = 86_400

    public init() {}

    public mutating func add(_ r: RequestRecord, windowStartMicros: UInt64) {
        guard r.succeeded, let first = r.firstTokenMicros, r.tokenEvents > 0 else { return }
        let perEvent = Double(r.outputTokens) / Double(r.tokenEvents)
        var t = first
        count(t, perEvent, windowStartMicros)
        for g in r.tokenGapsMicros.prefix(r.tokenEvents - 1) {
            t = t &+ g
            count(t, perEvent, windowStartMicros)
        }
        let rest = r.tokenEvents - 1 - min(r.tokenGapsMicros.count, r.tokenEvents - 1)
        guard rest > 0, r.endMicros > t else { return }
        let step = (r.endMicros - t) / UInt64(rest)
        for i in 1...rest { count(t + step * UInt64(i), perEvent, windowStartMicros) }
    }

    private mutating func count(_ micros: UInt64, _ tokensInEvent: Double, _ start: UInt64) {
        guard micros >= start else { return }
        let second = Int((micros - start) / 1_000_000)
        guard second < Self.maxSeconds else { return }
        extend(toHold: second)
        events[second] += 1
        tokens[second] += tokensInEvent
    }

    /// Sets row `second` (numbered as in streaming.csv, from 1) outright: a merge of segments' files rebuilds them.
    public mutating func set(second: Int, events e: Int, tokens t: Double) {
        guard second >= 1, second <= Self.maxSeconds else { return }
        extend(toHold: second - 1)
        events[second - 1] = e
        tokens[second - 1] = t
    }

    /// Zero rows up to and including index `i`.
    private mutating func extend(toHold i: Int) {
        guard i >= events.count else { return }
        events.append(contentsOf: repeatElement(0, count: i + 1 - events.count))
        tokens.append(contentsOf: repeatElement(0, count: i + 1 - tokens.count))
    }

    public static let csvHeader = ["second", "token_events", "output_tokens"]

    /// streaming.csv: `second` as timeseries.csv numbers them (the row covers the second before it).
    public var csv: String {
        var out = Self.csvHeader.joined(separator: ",") + "\n"
        for i in events.indices {
            out += "\(i + 1),\(events[i]),\(ReportText.number((tokens[i] * 1000).rounded() / 1000))\n"
        }
        return out
    }
}
