import Foundation
import Stats

/// TTFT split the way a workload's question needs it: by turn number (`sessions`), or first touch of a prefix
/// against its repeats (`shared_prefix`). Written to workload.csv and printed after the run.
/// Threading: confined to the runner's stats queue.
final class WorkloadBreakdown: @unchecked Sendable {  // @unchecked: used on the stats queue only.
    enum Key: Hashable, Comparable {
        case turn(Int)
        case prefix(first: Bool)

        var breakdown: String {
            switch self { case .turn: return "turn"; case .prefix: return "prefix" }
        }

        var label: String {
            switch self {
            case .turn(let n): return String(n)
            case .prefix(let first): return first ? "first" : "repeat"
            }
        }

        static func < (a: Key, b: Key) -> Bool {
            switch (a, b) {
            case (.turn(let x), .turn(let y)): return x < y
            case (.prefix(let x), .prefix(let y)): return x && !y
            case (.turn, .prefix): return true
            case (.prefix, .turn): return false
            }
        }
    }

    /// Turns past this are folded into the last row, so a long session cannot grow the table without bound.
    static let maxTurns = 1000
    private var ttft: [Key: LatencyHistogram] = [:]
    private var failed: [Key: Int] = [:]

    /// A breakdown for workloads that have one; nil for the others.
    static func forScenario(_ s: Scenario) -> WorkloadBreakdown? {
        switch s.workload.source {
        case .sessions, .sharedPrefix: return WorkloadBreakdown()
        default: return nil
        }
    }

    func add(_ r: RequestRecord) {
        let key: Key
        if let t = r.origin.turn { key = .turn(min(t, Self.maxTurns)) } else if let f = r.origin.prefixFirst { key = .prefix(first: f) } else { return }
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

    /// Human lines for the end of the run.
    var lines: [String] {
        rows.map { r in
            let name = r[0] == "turn" ? "turn \(r[1])" : "prefix \(r[1])"
            let pct = r[4].isEmpty ? "no successful request" : "TTFT p50 \(r[4]) ms, p90 \(r[5]) ms, p99 \(r[6]) ms"
            return "\(name): \(pct) (\(r[2]) ok, \(r[3]) failed)"
        }
    }

    /// Writes workload.csv into `dir`.
    func write(to dir: String) throws {
        let text = ([Self.header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        try text.write(toFile: dir + "/workload.csv", atomically: true, encoding: .utf8)
    }
}
