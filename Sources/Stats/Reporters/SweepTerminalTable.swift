/// The sweep's table for a terminal: one row per cell (adapters, load), then the capacity found per adapter count.
extension SweepReport {
    public func terminalTable() -> String {
        let r = self
        let scored = r.rows.contains { $0.quality != nil || $0.adapterMismatches != nil }
        let cols = ["adapters", r.loadAxis, "ttft p50", "ttft p95", "ttft p99", "1st touch", "tpot p50", "e2e p95", "tok/s", "req/s", "goodput", "errors"]
            + (scored ? ["quality", "q min", "mismatch"] : [])
        var out = ["", cols.map { ReportText.right($0, 10) }.joined()]
        var small = false
        for row in r.rows.sorted(by: { ($0.adapters, $0.concurrency ?? 0, $0.rate ?? 0) < ($1.adapters, $1.concurrency ?? 0, $1.rate ?? 0) }) {
            let load = row.concurrency.map(String.init) ?? ReportText.number(row.rate ?? 0)
            func v(_ x: Double?) -> String { x.map { ReportText.number($0) } ?? "-" }
            // A percentile from fewer samples than it needs is the cell's maximum: marked, and explained below.
            func p(_ x: Double?, _ pct: Double) -> String {
                guard let x, let n = row.ttftSamples, n < SweepRow.enoughSamples(forPercentile: pct) else { return v(x) }
                small = true
                return ReportText.number(x) + "*"
            }
            var cells: [String] = [String(row.adapters), load, v(row.ttftP50), p(row.ttftP95, 95), p(row.ttftP99, 99),
                         v(row.coldTTFTP50), v(row.tpotP50), v(row.e2eP95),
                         ReportText.number(row.outputTokensPerSecond), ReportText.number(row.requestsPerSecond),
                         row.goodput.map { ReportText.number($0) } ?? "-", String(row.errors)]
            if scored { cells += qualityCells(row) }
            out.append(cells.map { ReportText.right($0, 10) }.joined())
        }
        if small {
            out.append("  * too few TTFT samples for this percentile (p95 needs 20, p99 100): the value is the cell's maximum")
        }
        if !r.capacity.isEmpty {
            out.append("")
            for (a, c) in r.capacity.sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
                out.append("  capacity at \(a) adapters: \(ReportText.number(c)) \(r.loadAxis)\(c == 0 ? " (no tested level met the SLOs)" : "")")
            }
        }
        out.append("")
        return out.joined(separator: "\n")
    }

    /// A cell's mean score, lowest adapter/task score and identity mismatches.
    private func qualityCells(_ row: SweepRow) -> [String] {
        func pct(_ v: Double?) -> String { v.map { ReportText.number($0 * 100) + "%" } ?? "-" }
        return [pct(row.quality), pct(row.qualityMin), row.adapterMismatches.map(String.init) ?? "-"]
    }
}
