/// Reading a quality threshold's number from a finished run (apart from parsing, which scenario validation needs alone).
extension QualityThreshold {
    /// The number in `s`; nil when the run has no quality section, no row matches, or nothing was scored.
    public func actual(in s: RunSummary) -> Double? {
        guard let quality = s.quality else { return nil }
        switch statistic {
        case "canaries_diverged": return quality.canaries.map { Double($0.diverged) }
        case "identity_mismatches": return Double(quality.identity.mismatched)
        default: break
        }
        let rows = quality.rows.filter { (task == nil || $0.task == task) && (adapter == nil || $0.adapter == adapter) }
        guard !rows.isEmpty else { return nil }
        func sum(_ f: (QualitySummary.Row) -> Int) -> Double { Double(rows.reduce(0) { $0 + f($1) }) }
        switch statistic {
        case "accuracy", "score":
            let scored = sum(\.scored)
            return scored > 0 ? rows.reduce(0) { $0 + $1.scoreSum } / scored : nil
        case "scored": return sum(\.scored)
        case "failed": return sum(\.failed)
        case "exact": return sum(\.exact)
        default: return sum(\.adapterMismatches)
        }
    }
}
