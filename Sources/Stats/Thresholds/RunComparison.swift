/// Two runs side by side, each headline metric judged better, worse or unchanged within a tolerance (for nightly gates).
public struct RunComparison: Sendable {
    public struct Line: Sendable, Equatable {
        public var metric: String
        public var base: Double?
        public var new: Double?
        /// Relative change in percent (new vs base); nil when either side has no data or base is 0.
        public var changePercent: Double?
        public var regression: Bool
        public var lowerIsBetter: Bool
    }

    public var lines: [Line]
    public var regressions: [Line] { lines.filter(\.regression) }

    /// The metrics compared by default: latency percentiles (lower is better), throughput (higher), error rate (lower).
    public static let defaultMetrics = ["ttft.p50", "ttft.p95", "ttft.p99", "tpot.p50", "tpot.p95", "itl.p99", "e2e.p50", "e2e.p95",
                                        "cold_ttft.p50", "output_token_throughput", "request_throughput", "error_rate", "goodput"]

    public init(base: RunSummary, new: RunSummary, tolerancePercent: Double, metrics: [String] = RunComparison.defaultMetrics) {
        lines = metrics.map { name in
            let probe = Threshold(metric: name, comparison: .lt, value: 0)
            let b = probe.actual(in: base), n = probe.actual(in: new)
            let lowerIsBetter = !["output_token_throughput", "request_throughput", "goodput", "goodput_fraction", "succeeded"].contains(name)
            var change: Double?
            if let b, let n, b != 0 { change = (n - b) / abs(b) * 100 }
            var regression = false
            if let b, let n {
                if name == "error_rate" || name == "failed" || name == "dropped" {
                    regression = n > b + tolerancePercent / 100 * max(b, 0.01)
                } else if let c = change {
                    regression = lowerIsBetter ? c > tolerancePercent : c < -tolerancePercent
                }
            }
            return Line(metric: name, base: b, new: n, changePercent: change, regression: regression, lowerIsBetter: lowerIsBetter)
        }
    }

    public func render(baseLabel: String, newLabel: String) -> String {
        var out = ["", "  base: \(baseLabel)", "  new:  \(newLabel)", ""]
        out.append(ReportText.left("  metric", 28) + ["base", "new", "change"].map { ReportText.right($0, 12) }.joined() + "   verdict")
        for l in lines {
            let change = l.changePercent.map { ($0 >= 0 ? "+" : "") + ReportText.number(($0 * 10).rounded() / 10) + "%" } ?? "-"
            let verdict: String
            if l.base == nil || l.new == nil { verdict = "no data" }
            else if l.regression { verdict = "REGRESSION" }
            else if let c = l.changePercent, (l.lowerIsBetter ? c < 0 : c > 0), abs(c) >= 1 { verdict = "better" }
            else { verdict = "ok" }
            out.append(ReportText.left("  " + l.metric, 28)
                       + [l.base.map { ReportText.number($0) } ?? "-", l.new.map { ReportText.number($0) } ?? "-", change]
                           .map { ReportText.right($0, 12) }.joined() + "   " + verdict)
        }
        out.append("")
        return out.joined(separator: "\n")
    }
}
