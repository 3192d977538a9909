/// The sweep's table for a terminal: one row per cell (adapters, load), then the capacity found per adapter count.
extension SweepReport {
    public func terminalTable() -> String {
        let r = self
        let scored = r.rows.contains { $0.quality != nil || $0.adapterMismatches != nil }
        let cols = ["adapters", r.loadAxis, "ttft p50", "ttft p95", "ttft p99", "1st touch", "tpot p50", "e2e p95", "tok/s", "req/s", "goodput", "errors"]
            + (scored ? ["quality", "q min", "mismatch"] : [])
        var out = ["", cols.map { ReportText.right($0, 10) }.joined()]
        for row in r.rows.sorted(by: { ($0.adapters, $0.concurrency ?? 0, $0.rate ?? 0) < ($1.adapters, $1.concurrency ?? 0, $1.rate ?? 0) }) {
            let load = row.concurrency.map(String.init) ?? ReportText.number(row.rate ?? 0)
            var cells: [String] = [String(row.adapters), load, ReportText.number(row.ttftP50), ReportText.number(row.ttftP95), ReportText.number(row.ttftP99),
                         row.coldTTFTP50.map { ReportText.number($0) } ?? "-", ReportText.number(row.tpotP50), ReportText.number(row.e2eP95),
                         ReportText.number(row.outputTokensPerSecond), ReportText.number(row.requestsPerSecond),
                         row.goodput.map { ReportText.number($0) } ?? "-", String(row.errors)]
            if scored { cells += qualityCells(row) }
            out.append(cells.map { ReportText.right($0, 10) }.joined())
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
