/// Whether the client's numbers and the server's own agree, check by check: a load tester that disagrees with the
/// server it measures has a bug on one side, and the user should hear of it.
public struct ServerAgreement: Codable, Sendable, Equatable {
    /// One comparison. `agrees` is nil when it could not be judged (the reason in `note`).
    public struct Check: Codable, Sendable, Equatable {
        /// `ttft_p50`, `ttft_p90`, `e2e_p50`, `e2e_p90`, `requests`, `output_tokens`, `input_tokens`.
        public var name: String
        public var unit: String
        public var client: Double?
        public var server: Double?
        /// The server bucket holding its percentile (its resolution); `server_upper` nil for `+Inf`.
        public var serverLower: Double?
        public var serverUpper: Double?
        public var agrees: Bool?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case name, unit, client, server, agrees, note
            case serverLower = "server_lower", serverUpper = "server_upper"
        }
    }

    /// How the unmeasured warm-up request is accounted.
    public var warmup: String
    /// False when the deltas do not span the window (the start or end scrape failed): counts are then not judged.
    public var comparable: Bool
    public var checks: [Check]

    /// Checks that disagree.
    public var disagreements: [Check] { checks.filter { $0.agrees == false } }

    /// Slack, in milliseconds, allowed outside the server's bucket: the network and the client's own wake-up.
    public static let slackMs = 1.0

    /// Compares a client summary with the server's view of the same window.
    /// `warmup` says whether a warm-up request was sent before the start scrape; `spansWindow` whether the deltas run
    /// from the start scrape to the end scrape.
    public init(client s: RunSummary, server v: ServerView, warmup: Bool, spansWindow: Bool) {
        self.warmup = warmup
            ? "one unmeasured warm-up request finished before the start scrape: neither side counts it"
            : "no warm-up request was sent"
        comparable = spansWindow
        var checks: [Check] = []
        for (role, metric) in [(ServerRole.ttft, MetricName.ttft), (.e2e, .e2e)] {
            let clientM = s.metrics[metric.rawValue]
            for (label, pick) in [("p50", { (m: MetricSummary) in m.p50 }), ("p90", { (m: MetricSummary) in m.p90 })] {
                var c = Check(name: "\(role.rawValue)_\(label)", unit: "ms")
                if let m = clientM, m.count > 0 { c.client = pick(m) }
                guard let r = v.roles[role.rawValue] else {
                    c.note = "the server has no \(role == .ttft ? "TTFT" : "end-to-end latency") histogram"
                    checks.append(c); continue
                }
                guard let p = r.percentilesMs?[label] else { c.note = r.note ?? "no server observations"; checks.append(c); continue }
                c.server = p.value; c.serverLower = p.lower; c.serverUpper = p.upper
                if r.reset == true { c.note = "the server restarted during the window"; checks.append(c); continue }
                if let cv = c.client, let lo = p.lower {
                    c.agrees = cv >= lo - Self.slackMs && cv <= (p.upper ?? .infinity) + Self.slackMs
                    if c.agrees == false { c.note = "outside the server's bucket \(Self.bucket(p)) ms" }
                } else if c.client == nil {
                    c.note = "no client measurements"
                }
                checks.append(c)
            }
        }
        let cutOff = s.requests.interrupted
        // Answers another adapter gave completed on the server: they fail here (adapter_mismatch) but count there.
        let mismatched = s.requests.errors[ErrorClass.adapterMismatch.rawValue] ?? 0
        let counts: [(String, String, ServerRole, Double?)] = [
            ("requests", "requests", .requestsOK, Double(s.requests.succeeded + mismatched)),
            ("output_tokens", "tokens", .outputTokens, Double(s.outputTokens)),
            ("input_tokens", "tokens", .inputTokens, s.aggregate.inputTokens > 0 ? Double(s.aggregate.inputTokens) : nil),
        ]
        for (name, unit, role, client) in counts {
            var c = Check(name: name, unit: unit, client: client)
            guard let r = v.roles[role.rawValue] else { c.note = "the server exposes no \(name.replacingOccurrences(of: "_", with: " ")) series"; checks.append(c); continue }
            c.server = r.value
            if client == nil { c.note = "the server did not report input tokens to the client" }
            else if !spansWindow { c.note = "the server's deltas do not span the window (a scrape failed)" }
            else if r.reset == true { c.note = "the server restarted during the window" }
            else if let cv = client, let sv = r.value {
                if name == "requests" {
                    // A request cut off at stop may still have finished on the server.
                    c.agrees = abs(cv - sv) <= Double(cutOff)
                } else if cutOff > 0 {
                    c.note = "\(cutOff) request(s) were cut off at stop; tokens not judged"
                } else if mismatched > 0 {
                    c.note = "\(mismatched) adapter_mismatch answer(s) are not in the client's token counts; tokens not judged"
                } else {
                    c.agrees = cv == sv
                }
            }
            checks.append(c)
        }
        self.checks = checks
    }

    static func bucket(_ p: ServerView.Percentile) -> String {
        "[\(p.lower.map(ReportText.number) ?? "?"), \(p.upper.map(ReportText.number) ?? "+Inf")]"
    }
}

extension ServerAgreement.Check {
    init(name: String, unit: String, client: Double? = nil) { self.name = name; self.unit = unit; self.client = client }
}
