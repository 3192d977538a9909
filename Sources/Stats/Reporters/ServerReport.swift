/// The terminal report's lines for the server's own view, so the client's numbers and the server's sit together.
public enum ServerReport {
    /// Nothing when the summary has no server section.
    public static func lines(_ s: RunSummary) -> [String] {
        guard let v = s.server else { return [] }
        var out = [""]
        func line(_ label: String, _ value: String) {
            out.append("  \(label) \(String(repeating: ".", count: max(2, 18 - label.count))) \(value)")
        }
        let span = [v.firstScrapeSeconds, v.lastScrapeSeconds].map { $0.map { n($0) + "s" } ?? "?" }.joined(separator: " → ")
        line("server view", "\(v.url): \(v.scrapes) scrapes every \(n(v.intervalSeconds))s"
             + (v.failedScrapes > 0 ? ", \(v.failedScrapes) failed" : "") + "; deltas over \(span)")
        for role in [ServerRole.ttft, .e2e, .itl, .queue] {
            guard let r = v.roles[role.rawValue] else { continue }
            guard let ps = r.percentilesMs else { line("server \(role.rawValue)", "\(r.note ?? "no observations") (\(r.series))"); continue }
            let cells = ServerView.rolePercentiles.compactMap { (label, _) in ps[label].map { "\(label) \(pct($0))" } }
            let mean = r.meanMs.map { "  mean \(n($0))" } ?? ""
            line("server \(role.rawValue) (ms)", cells.joined(separator: "  ") + mean + "  n=\(r.count.map(n) ?? "?") (\(r.series))"
                 + (r.reset == true ? " RESET" : ""))
        }
        var counts: [String] = []
        for (role, what) in [(ServerRole.requestsOK, "ok"), (.outputTokens, "output tokens"), (.inputTokens, "input tokens"),
                             (.adapterLoads, "adapter loads")] {
            if let r = v.roles[role.rawValue] { counts.append("\(r.value.map(n) ?? "?") \(what)" + (r.reset == true ? " (reset)" : "")) }
        }
        if !counts.isEmpty { line("server counts", counts.joined(separator: ", ")) }
        var gauges: [String] = []
        for role in [ServerRole.running, .waiting] {
            if let r = v.roles[role.rawValue] { gauges.append("\(role.rawValue) \([r.min, r.mean, r.max].map { $0.map(n) ?? "?" }.joined(separator: "/"))") }
        }
        if !gauges.isEmpty { line("server gauges", gauges.joined(separator: ", ") + " (min/mean/max)") }
        if let a = v.agreement {
            line("agreement", agreementCells(a).joined(separator: "; "))
            line("warm-up", a.warmup)
        }
        return out
    }

    /// One line per disagreement, for stderr.
    public static func warnings(_ a: ServerAgreement) -> [String] {
        a.disagreements.map { c in
            "warning: client and server disagree on \(c.name): client \(c.client.map(n) ?? "?") vs server \(c.server.map(n) ?? "?") \(c.unit)"
                + (c.note.map { " (\($0))" } ?? "")
        }
    }

    /// Latency checks grouped by metric (`e2e p50 … ✓, p90 … ✓`), then one cell per count.
    static func agreementCells(_ a: ServerAgreement) -> [String] {
        var cells: [String] = []
        var groups: [(String, [ServerAgreement.Check])] = []
        for c in a.checks where c.unit == "ms" {
            let metric = String(c.name.split(separator: "_").dropLast().joined(separator: "_"))
            if let i = groups.firstIndex(where: { $0.0 == metric }) { groups[i].1.append(c) } else { groups.append((metric, [c])) }
        }
        for (metric, cs) in groups {
            if cs.allSatisfy({ $0.server == nil }) { cells.append("\(metric) – (\(cs.first?.note ?? "no data"))"); continue }
            cells.append(metric + " " + cs.map { c in
                let label = c.name.split(separator: "_").last.map(String.init) ?? c.name
                guard c.server != nil else { return "\(label) – (\(c.note ?? "no data"))" }
                return "\(label) \(c.client.map(n) ?? "?") vs \(c.server.map(n) ?? "?") [\(c.serverLower.map(n) ?? "?"), \(c.serverUpper.map(n) ?? "+Inf")] \(mark(c))"
            }.joined(separator: ", "))
        }
        cells += a.checks.filter { $0.unit != "ms" }.map(check)
        if !a.comparable { cells.append("(deltas do not span the window)") }
        return cells
    }

    static func mark(_ c: ServerAgreement.Check) -> String { c.agrees.map { $0 ? "✓" : "✗" } ?? "–" }

    static func check(_ c: ServerAgreement.Check) -> String {
        let mark = mark(c)
        let client = c.client.map(n) ?? "?", server = c.server.map(n) ?? "?"
        guard c.server != nil || c.client != nil else { return "\(c.name) – (\(c.note ?? "no data"))" }
        return "\(c.name.replacingOccurrences(of: "_", with: " ")) \(client) vs \(server) \(mark)" + (c.agrees == nil ? " (\(c.note ?? ""))" : "")
    }

    /// A percentile in the first bucket is only known to be below its bound: interpolating from 0 would print half
    /// the bound (a 0.01 ms queue read as 150 ms in vLLM's first 300 ms bucket), so it reads `≤ bound`.
    static func pct(_ p: ServerView.Percentile) -> String {
        if p.lower == 0, let upper = p.upper { return "≤ \(n(upper)) [0, \(n(upper))]" }
        return "\(p.value.map(n) ?? "?") [\(p.lower.map(n) ?? "?"), \(p.upper.map(n) ?? "+Inf")]"
    }

    static func n(_ v: Double) -> String { ReportText.number(v) }
}
