import Foundation
import Stats

/// TTFT split the way a workload's question needs it: by turn number (`sessions`), first touch of a prefix
/// against its repeats (`shared_prefix`), or trace arrivals that started on time against late ones (`trace`:
/// late = sent more than `lateMicros` after the trace's offset). Written to workload.csv and printed after the run.
/// Threading: confined to the runner's stats queue.
final class WorkloadBreakdown: @unchecked Sendable {  // @unchecked: used on the stats queue only.
    enum Key: Hashable, Comparable {
        case turn(Int)
        case prefix(first: Bool)
        case arrival(late: Bool)

        var breakdown: String {
            switch self { case .turn: return "turn"; case .prefix: return "prefix"; case .arrival: return "arrival" }
        }

        var label: String {
            switch self {
            case .turn(let n): return String(n)
            case .prefix(let first): return first ? "first" : "repeat"
            case .arrival(let late): return late ? "late" : "on_time"
            }
        }

        private var order: (Int, Int) {
            switch self {
            case .turn(let n): return (0, n)
            case .prefix(let first): return (1, first ? 0 : 1)
            case .arrival(let late): return (2, late ? 1 : 0)
            }
        }

        static func < (a: Key, b: Key) -> Bool { a.order < b.order }
    }

    /// Turns past this are folded into the last row, so a long session cannot grow the table without bound.
    static let maxTurns = 1000
    /// A trace arrival sent more than this after its offset counts as late.
    static let lateMicros: UInt64 = 1000
    private var ttft: [Key: LatencyHistogram] = [:]
    private var failed: [Key: Int] = [:]

    /// A breakdown for workloads that have one; nil for the others.
    static func forScenario(_ s: Scenario) -> WorkloadBreakdown? {
        switch s.workload.source {
        case .sessions, .sharedPrefix, .trace: return WorkloadBreakdown()
        default: return nil
        }
    }

    func add(_ r: RequestRecord) {
        let key: Key
        if r.traceOffsetMicros != nil { key = .arrival(late: r.scheduleLagMicros > Self.lateMicros) }
        else if let t = r.origin.turn { key = .turn(min(t, Self.maxTurns)) }
        else if let f = r.origin.prefixFirst { key = .prefix(first: f) }
        else { return }
        guard r.succeeded, let t = r.ttftMicros else { failed[key, default: 0] += 1; return }
        ttft[key, default: LatencyHistogram()].record(t)
    }

    static let header = ["breakdown", "key", "requests", "failed", "ttft_p50_ms", "ttft_p90_ms", "ttft_p99_ms"]

    /// One row per key; percentiles are empty when no request of that key succeeded.
    var rows: [[String]] {
        Set(ttft.keys).union(failed.keys).sorted().map { k in
            let h = ttft[k]
            func p(_ q: Double) -> String { h.map { RequestsCSV.msText($0.percentile(q)) } ?? "" }
            return [k.breakdown, k.label, String(h?.count ?? 0), String(failed[k] ?? 0), p(50), p(90), p(99)]
        }
    }

    /// Human lines for the end of the run; `dropped` is the executor's count (trace arrivals that never started).
    func lines(dropped: Int = 0) -> [String] {
        var out = rows.map { r in
            let name = r[0] == "arrival" ? "trace arrivals \(r[1] == "late" ? "late (> 1 ms)" : "on time (≤ 1 ms)")" : "\(r[0]) \(r[1])"
            let pct = r[4].isEmpty ? "no successful request" : "TTFT p50 \(r[4]) ms, p90 \(r[5]) ms, p99 \(r[6]) ms"
            return "\(name): \(pct) (\(r[2]) ok, \(r[3]) failed)"
        }
        if ttft.keys.contains(where: { $0.breakdown == "arrival" }) || failed.keys.contains(where: { $0.breakdown == "arrival" }) {
            let count = { (late: Bool) in (self.ttft[.arrival(late: late)]?.count ?? 0) + UInt64(self.failed[.arrival(late: late)] ?? 0) }
            out.append("trace arrivals: \(count(false)) started within 1 ms of their offset, \(count(true)) later, \(dropped) dropped (never started)")
        }
        return out
    }

    /// Writes workload.csv into `dir`.
    func write(to dir: String) throws {
        let text = ([Self.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try text.write(toFile: dir + "/workload.csv", atomically: true, encoding: .utf8)
    }
}
