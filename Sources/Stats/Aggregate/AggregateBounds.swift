/// Plausibility bounds on counts read back from a summary file, so `merge` and `compare` never add numbers that
/// would overflow: a request count above 2^53 (JSON's exact integers) cannot come from a real run.
extension Aggregate {
    /// Largest request count (and histogram total) a summary may hold.
    public static let maxCount = 1 << 53

    /// The first count out of `0...maxCount`, described with its JSON path; nil when every count is plausible.
    /// Token totals are not bounded (a server may claim anything; they are added saturating).
    public var implausibleCount: String? {
        func check(_ v: Int, _ path: String) -> String? {
            (0...Self.maxCount).contains(v) ? nil : "aggregate.\(path) is \(v), not a plausible count (0 to 2^53)"
        }
        let top: [(Int, String)] = [(succeeded, "succeeded"), (failed, "failed"), (dropped, "dropped"),
                                    (interrupted, "interrupted"), (metSLO, "met_slo"),
                                    (outputTokensFromServer, "output_tokens_from_server")]
        for (v, p) in top { if let m = check(v, p) { return m } }
        for (name, map) in [("errors", errors), ("status_codes", statusCodes), ("stream_error_types", streamErrorTypes)] {
            for k in map.keys.sorted() { if let m = check(map[k]!, "\(name).\(k)") { return m } }
        }
        for k in adapters.keys.sorted() {
            let a = adapters[k]!
            if let m = check(a.requests, "adapters.\(k).requests") ?? check(a.failed, "adapters.\(k).failed") { return m }
        }
        return nil
    }
}
