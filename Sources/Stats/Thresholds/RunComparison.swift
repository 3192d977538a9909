import Foundation

/// Two runs side by side, each headline metric judged from its samples: a regression only when the change is beyond
/// the tolerance and beyond sampling noise (the runs' 95 % intervals do not overlap), so a nightly gate fails on a
/// real slowdown and not on a noisy night.
public struct RunComparison: Sendable {
    /// What one metric's comparison concluded.
    public enum Verdict: String, Codable, Sendable {
        case regression, better, ok
        /// Beyond the tolerance, but the intervals overlap: sampling noise explains it.
        case noise = "within_noise"
        /// Too few samples to bound the number, so no verdict either way.
        case notEnoughData = "not_enough_data"
        /// One run has no value for the metric.
        case noData = "no_data"

        /// The verdict as the text table prints it.
        public var label: String {
            switch self {
            case .regression: return "REGRESSION"
            case .better: return "better"
            case .ok: return "ok"
            case .noise: return "within noise"
            case .notEnoughData: return "not enough data"
            case .noData: return "no data"
            }
        }
    }

    /// One metric of both runs, with the samples behind each number and its interval.
    public struct Line: Sendable, Equatable {
        public var metric: String
        public var base: Double?
        public var new: Double?
        /// Relative change in percent (new vs base); nil when either side has no data or base is 0.
        public var changePercent: Double?
        public var regression: Bool
        public var lowerIsBetter: Bool
        /// Samples behind each number (requests for run-level rates, values for latencies).
        public var baseCount: UInt64 = 0
        public var newCount: UInt64 = 0
        /// The independent units the intervals assume, where fewer than the samples (ITL gaps come in requests).
        public var baseIndependent: UInt64?
        public var newIndependent: UInt64?
        public var baseInterval: SamplingInterval?
        public var newInterval: SamplingInterval?
        public var verdict: Verdict = .ok
    }

    public var lines: [Line]
    public var tolerancePercent: Double
    public var regressions: [Line] { lines.filter(\.regression) }

    /// The metrics compared by default: latency percentiles (lower is better), throughput (higher), error rate (lower).
    public static let defaultMetrics = ["ttft.p50", "ttft.p95", "ttft.p99", "tpot.p50", "tpot.p95", "itl.p50", "itl.p99", "e2e.p50",
                                        "e2e.p95", "cold_ttft.p50", "output_token_throughput", "request_throughput", "error_rate",
                                        "goodput"]

    static let higherIsBetter: Set = ["output_token_throughput", "request_throughput", "goodput", "goodput_fraction", "succeeded"]
    static let countLike: Set = ["error_rate", "failed", "dropped"]

    public init(base: RunSummary, new: RunSummary, tolerancePercent: Double, metrics: [String] = RunComparison.defaultMetrics) {
        self.tolerancePercent = tolerancePercent
        lines = metrics.map { Self.line($0, base, new, tolerancePercent) }
    }

    static func line(_ name: String, _ base: RunSummary, _ new: RunSummary, _ tol: Double) -> Line {
        let probe = Threshold(metric: name, comparison: .lt, value: 0)
        let b = probe.actual(in: base), n = probe.actual(in: new)
        let lowerIsBetter = !higherIsBetter.contains(name)
        var change: Double?
        if let b, let n, b != 0 { change = (n - b) / abs(b) * 100 }
        var l = Line(metric: name, base: b, new: n, changePercent: change, regression: false, lowerIsBetter: lowerIsBetter)
        let (bs, bInt, bInd, needsInterval) = evidence(name, base, b)
        let (ns, nInt, nInd, _) = evidence(name, new, n)
        l.baseCount = bs; l.newCount = ns; l.baseInterval = bInt; l.newInterval = nInt
        l.baseIndependent = bInd; l.newIndependent = nInd
        guard let b, let n else { l.verdict = .noData; return l }
        var worse = false, improved = false
        if countLike.contains(name) {
            let margin = tol / 100 * max(b, 0.01)
            worse = n > b + margin; improved = n < b - margin
        } else if let c = change {
            worse = lowerIsBetter ? c > tol : c < -tol
            improved = lowerIsBetter ? c < -tol : c > tol
        }
        var significant = true
        if needsInterval {
            guard let bInt, let nInt else { l.verdict = .notEnoughData; return l }
            significant = bInt.isDisjoint(from: nInt)
        }
        if worse { l.verdict = significant ? .regression : .noise }
        else if improved { l.verdict = significant ? .better : .noise }
        l.regression = l.verdict == .regression
        return l
    }

    /// Samples, interval and independent units behind one run's number; the last element says whether a verdict
    /// needs the interval (every statistic but min and max and the bare counts, which have none).
    static func evidence(_ name: String, _ s: RunSummary, _ value: Double?) -> (UInt64, SamplingInterval?, UInt64?, Bool) {
        let a = s.aggregate, completed = UInt64(max(0, a.completed)), succeeded = UInt64(max(0, a.succeeded))
        switch name {
        case "error_rate": return (completed, SamplingInterval.proportion(a.failed, of: a.completed), nil, true)
        case "goodput_fraction": return (succeeded, SamplingInterval.proportion(a.metSLO, of: a.succeeded), nil, true)
        case "request_throughput":
            return (completed, value.flatMap { SamplingInterval.rate($0, requests: a.completed) }, nil, true)
        case "output_token_throughput", "goodput":
            return (succeeded, value.flatMap { SamplingInterval.rate($0, requests: a.succeeded) }, nil, true)
        case "failed", "dropped", "succeeded": return (completed, nil, nil, false)
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return (0, nil, nil, false) }
        let m: TrackedMetric?
        switch parts[0] {
        case "cold_ttft": m = a.coldTTFT
        case "warm_ttft": m = a.warmTTFT
        default: m = MetricName(rawValue: parts[0]).flatMap { a.metrics[$0] }
        }
        guard let m else { return (0, nil, nil, false) }
        // ITL gaps of one request share its batch and its server state: the request, not the gap, is the unit.
        let independent: UInt64? = parts[0] == "itl" ? min(m.count, a.metrics[.tpot]?.count ?? 0) : nil
        switch parts[1] {
        case "min", "max": return (m.count, nil, independent, false)
        case "mean": return (m.count, SamplingInterval.mean(m, independent: independent), independent, true)
        default:
            guard let q = Double(parts[1].dropFirst()) else { return (m.count, nil, independent, false) }
            return (m.count, SamplingInterval.quantile(m, q: q / 100, independent: independent), independent, true)
        }
    }

    /// What makes two runs incomparable: a different scenario, load model, duration or workload (the target may
    /// differ: comparing two deployments is the point); empty when they compare.
    public static func mismatches(base: RunSummary, new: RunSummary) -> [String] {
        var out: [String] = []
        func check(_ what: String, _ a: String, _ b: String) { if a != b { out.append("\(what): \(a) vs \(b)") } }
        check("scenario", base.run.scenarioName, new.run.scenarioName)
        check("executor", base.run.executor, new.run.executor)
        check("api", base.run.api, new.run.api)
        check("requested rate", base.run.requestedRate.map { ReportText.number($0) } ?? "none",
              new.run.requestedRate.map { ReportText.number($0) } ?? "none")
        check("scheduled duration", base.run.scheduledSeconds.map { ReportText.number($0) + " s" } ?? "none",
              new.run.scheduledSeconds.map { ReportText.number($0) + " s" } ?? "none")
        // The workload and load fields of the scenario; where it points and how it is judged may change.
        let ignored: Set = ["name", "target", "thresholds", "health", "server_metrics", "description"]
        let bo = base.scenario.objectValue ?? [:], no = new.scenario.objectValue ?? [:]
        for key in Set(bo.keys).union(no.keys).subtracting(ignored).sorted() where bo[key] != no[key] {
            check("scenario." + key, bo[key]?.encodedString() ?? "absent", no[key]?.encodedString() ?? "absent")
        }
        return out
    }

    /// The table the text format prints: value, change, samples and interval of each run, and the verdict.
    public func render(baseLabel: String, newLabel: String) -> String {
        var out = ["", "  base: \(baseLabel)", "  new:  \(newLabel)", ""]
        out.append(ReportText.left("  metric", 26) + ["base", "new", "change", "n base/new"].map { ReportText.right($0, 11) }.joined()
                   + "   " + ReportText.left("base 95% CI", 18) + ReportText.left("new 95% CI", 18) + "verdict")
        func ci(_ i: SamplingInterval?) -> String {
            i.map { ReportText.number($0.lower) + ".." + ReportText.number($0.upper) } ?? "-"
        }
        for l in lines {
            let change = l.changePercent.map { String(format: "%+.1f%%", ($0 * 10).rounded() / 10 + 0) } ?? "-"
            out.append(ReportText.left("  " + l.metric, 26)
                       + [l.base.map { ReportText.number($0) } ?? "-", l.new.map { ReportText.number($0) } ?? "-", change,
                          "\(l.baseCount)/\(l.newCount)"].map { ReportText.right($0, 11) }.joined()
                       + "   " + ReportText.left(ci(l.baseInterval), 18) + ReportText.left(ci(l.newInterval), 18) + l.verdict.label)
        }
        out.append("")
        out.append("  a verdict needs the change beyond ±\(ReportText.number(tolerancePercent))% and the two 95% intervals apart"
                   + " (percentiles: order-statistic bounds from the HDR histograms; itl counts requests as the independent units)")
        out.append("")
        return out.joined(separator: "\n")
    }

    /// The comparison as JSON for CI systems: every line with its samples, intervals and verdict.
    public func json(base: RunSummary, new: RunSummary, baseLabel: String, newLabel: String, mismatches: [String]) -> String {
        struct Side: Encodable {
            var label: String; var runId: String?; var scenario: String; var startedAt: String
            enum CodingKeys: String, CodingKey { case label, scenario, runId = "run_id", startedAt = "started_at" }
        }
        struct Metric: Encodable {
            var metric: String; var base: Double?; var new: Double?; var changePercent: Double?
            var baseCount: UInt64; var newCount: UInt64; var baseIndependent: UInt64?; var newIndependent: UInt64?
            var baseInterval: SamplingInterval?; var newInterval: SamplingInterval?
            var lowerIsBetter: Bool; var verdict: Verdict
            func encode(to e: Encoder) throws {
                var c = e.container(keyedBy: K.self)
                try c.encode(metric, forKey: .metric); try c.encode(base, forKey: .base); try c.encode(new, forKey: .new)
                try c.encode(changePercent, forKey: .changePercent)
                try c.encode(baseCount, forKey: .baseCount); try c.encode(newCount, forKey: .newCount)
                try c.encodeIfPresent(baseIndependent, forKey: .baseIndependent)
                try c.encodeIfPresent(newIndependent, forKey: .newIndependent)
                try c.encode(baseInterval, forKey: .baseInterval); try c.encode(newInterval, forKey: .newInterval)
                try c.encode(lowerIsBetter, forKey: .lowerIsBetter); try c.encode(verdict, forKey: .verdict)
            }
            enum K: String, CodingKey {
                case metric, base, new, verdict
                case changePercent = "change_percent", baseCount = "base_count", newCount = "new_count"
                case baseIndependent = "base_independent", newIndependent = "new_independent"
                case baseInterval = "base_interval", newInterval = "new_interval", lowerIsBetter = "lower_is_better"
            }
        }
        struct Doc: Encodable {
            var schema = "lorabench.compare/v1"
            var base: Side; var new: Side; var tolerancePercent: Double; var confidence = 0.95
            var comparable: Bool; var mismatches: [String]; var metrics: [Metric]; var regressions: [String]
            enum CodingKeys: String, CodingKey {
                case schema, base, new, confidence, comparable, mismatches, metrics, regressions
                case tolerancePercent = "tolerance_percent"
            }
        }
        func side(_ s: RunSummary, _ label: String) -> Side {
            Side(label: label, runId: s.run.runId, scenario: s.run.scenarioName, startedAt: s.run.startedAt)
        }
        let doc = Doc(base: side(base, baseLabel), new: side(new, newLabel), tolerancePercent: tolerancePercent,
                      comparable: mismatches.isEmpty, mismatches: mismatches,
                      metrics: lines.map { l in
                          Metric(metric: l.metric, base: l.base, new: l.new, changePercent: l.changePercent.map { ($0 * 10).rounded() / 10 },
                                 baseCount: l.baseCount, newCount: l.newCount, baseIndependent: l.baseIndependent,
                                 newIndependent: l.newIndependent, baseInterval: l.baseInterval, newInterval: l.newInterval,
                                 lowerIsBetter: l.lowerIsBetter, verdict: l.verdict)
                      }, regressions: regressions.map(\.metric))
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? enc.encode(doc) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
