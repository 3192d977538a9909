import Foundation

/// The end-of-run summary for a terminal, in the spirit of k6's: counts first, then a table of latencies.
public enum TerminalReport {
    public static func render(_ s: RunSummary, resultsDir: String? = nil, maxAdapterRows: Int = 30) -> String {
        var out: [String] = []
        func line(_ label: String, _ value: String) {
            let dots = String(repeating: ".", count: max(2, 18 - label.count))
            out.append("  \(label) \(dots) \(value)")
        }
        let r = s.requests
        let t = s.throughput
        out.append("")
        line("scenario", "\(s.run.scenarioName) (\(s.run.executor), \(fmt(s.run.windowSeconds))s window\(s.run.interrupted ? ", INTERRUPTED" : ""))")
        line("target", "\(s.run.target) (\(s.run.api))")
        line("requests", "\(r.succeeded) ok, \(r.failed) failed (\(fmt(r.errorRate * 100))%), \(r.dropped) dropped"
             + (r.interrupted > 0 ? ", \(r.interrupted) cut off at stop" : ""))
        let errs = ErrorClass.allCases.compactMap { c in (r.errors[c.rawValue] ?? 0) > 0 ? "\(c.rawValue) \(r.errors[c.rawValue]!)" : nil }
        if !errs.isEmpty { line("errors", errs.joined(separator: ", ")) }
        if !r.streamErrorTypes.isEmpty {
            line("stream errors", r.streamErrorTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        var rate = "\(fmt(t.requestThroughput)) req/s"
        if let req = s.run.requestedRate { rate += " (requested \(fmt(req))/s, achieved \(fmt(t.achievedRate))/s)" }
        line("throughput", "\(rate), \(fmt(t.outputTokenThroughput)) output tok/s")
        var tokens = "\(s.outputTokens) (counted by: \(s.outputTokensSource)"
        if let e = s.tokenEvents, let per = s.outputTokensPerEvent { tokens += "; \(e) token events, \(fmt(per)) tokens/event" }
        line("output tokens", tokens + ")")
        if s.aggregate.implausibleServerCounts > 0 {
            line("server counts", "\(s.aggregate.implausibleServerCounts) implausible token counts from the server ignored (token events counted instead; see requests.csv)")
        }
        if let n = r.succeededWithoutToken, n > 0 { line("no token", "\(n) succeeded requests produced no token (no TTFT)") }
        if let g = t.goodput, let f = t.goodputFraction {
            line("goodput", "\(fmt(g)) req/s meeting SLO (\(fmt(f * 100))% of requests)")
        }
        if let w = s.run.clientCPUWait, w.starvedSeconds > 0 {
            line("client cpu wait", "\(fmt(w.totalMs)) ms (worst second \(fmt(w.worstSecondMs)) ms; \(w.starvedSeconds) of \(w.seconds) s over \(RunSummary.CPUWait.starvedSecondMs) ms): "
                 + "latencies include lorabench's own wait for a CPU")
        }
        out.append("")
        let cols = MetricSummary.percentileLabels + ["min", "max", "mean"]
        out.append(pad("  metric (ms)", 20) + cols.map { lpad($0, 10) }.joined())
        func row(_ name: String, _ m: MetricSummary) {
            guard m.count > 0 else { return }
            out.append(pad("  \(name)", 20) + (m.percentileValues + [m.min, m.max, m.mean]).map { lpad(fmt(Double($0)), 10) }.joined())
        }
        for name in MetricName.allCases { if let m = s.metrics[name.rawValue] { row(name.rawValue, m) } }
        row("ttft (1st touch)", s.coldTTFT)
        row("ttft (repeat)", s.warmTTFT)
        let penalties = (s.firstTouch ?? []).compactMap(\.penaltyMs).sorted()
        if !penalties.isEmpty {
            let median = (penalties[(penalties.count - 1) / 2] + penalties[penalties.count / 2]) / 2
            out.append("  1st touch penalty: median \(fmt(median)) ms, max \(fmt(penalties[penalties.count - 1])) ms over \(penalties.count) adapters, "
                       + "each against the repeats waiting for a first token at the same moment")
        }
        if let touches = s.firstTouch, !touches.isEmpty, let loads = s.server?.roles["adapter_loads"]?.value {
            out.append("  1st touches: \(touches.count); the server loaded \(fmt(loads)) adapters in the window"
                       + (loads >= Double(touches.count) ? "" : " (some first touches found their adapter loaded already: not cold)"))
        }
        let named = s.adapters.filter { !$0.adapter.isEmpty || s.adapters.count > 1 }
        if !named.isEmpty {
            out.append("")
            out.append(pad("  adapter", 28) + ["reqs", "err", "ttft p50", "ttft p95", "1st touch", "repeat p50", "tpot p50", "e2e p95"].map { lpad($0, 10) }.joined())
            let rows = named.sorted { ($0.requests, $1.adapter) > ($1.requests, $0.adapter) }
            for a in rows.prefix(maxAdapterRows) {
                let name = a.adapter.isEmpty ? "(base model)" : a.adapter
                let cells = [String(a.requests), String(a.failed), fmt(a.ttft.p50), fmt(a.ttft.p95),
                             a.coldTTFT.count > 0 ? fmt(a.coldTTFT.p50) : "-", fmt(a.warmTTFT.p50), fmt(a.tpot.p50), fmt(a.e2e.p95)]
                out.append(pad("  " + String(name.suffix(25)), 28) + cells.map { lpad($0, 10) }.joined())
            }
            if rows.count > maxAdapterRows { out.append("  … \(rows.count - maxAdapterRows) more adapters in summary.json") }
        }
        out += ServerReport.lines(s)
        out += QualityReport.lines(s)
        if !s.thresholds.isEmpty {
            out.append("")
            for t in s.thresholds {
                let actual = t.actual.map { fmt($0) } ?? "no data"
                out.append("  \(t.passed ? "✓" : "✗") \(t.metric) \(t.expression)   (actual \(actual))")
            }
        }
        if let dir = resultsDir {
            out.append("")
            line("results", dir)
        }
        out.append("")
        return out.joined(separator: "\n")
    }

    static func fmt(_ v: Double) -> String { ReportText.number(v) }
    static func pad(_ s: String, _ n: Int) -> String { ReportText.left(s, n) }
    static func lpad(_ s: String, _ n: Int) -> String { ReportText.right(s, n) }
}
