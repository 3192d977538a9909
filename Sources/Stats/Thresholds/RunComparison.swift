import Foundation

/// Two runs side by side, each headline metric judged from its samples: a regression only when the change is beyond
/// the tolerance and beyond sampling noise (the runs' 95 % intervals do not overlap), so a nightly gate fails on a
/// real slowdown and not on a noisy night. With several base runs (the last good nights) the baseline is their pooled
/// samples, and a regression must also be worse than the worst of those nights: night-to-night spread is noise too.
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
        /// Beyond the tolerance and the pooled interval, but no worse than one of the base nights was.
        case withinBaseRange = "within_base_range"

        /// The verdict as the text table prints it.
        public var label: String {
            switch self {
            case .regression: return "REGRESSION"
            case .better: return "better"
            case .ok: return "ok"
            case .noise: return "within noise"
            case .notEnoughData: return "not enough data"
            case .noData: return "no data"
            case .withinBaseRange: return "within base range"
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
        /// The tolerance this line was judged with (a `--fail-on` gate's own, or the comparison's).
        public var tolerancePercent: Double = 0
        /// True when a `--fail-on` gate names this metric (with gates, only gated lines fail the comparison).
        public var gated = false
        /// With several base runs: the lowest and highest value among them.
        public var baseRange: ClosedRange<Double>?

        /// The change as every format prints it (`+12.3%`, `-` without data).
        public var changeText: String { changePercent.map { String(format: "%+.1f%%", ($0 * 10).rounded() / 10 + 0) } ?? "-" }
    }

    /// `--fail-on "ttft.p95:+10%"`: one metric gated with its own tolerance, the sign saying which way is worse.
    public struct Gate: Sendable, Equatable {
        public var metric: String
        public var tolerancePercent: Double

        public static func parse(_ text: String) throws -> Gate {
            guard let colon = text.lastIndex(of: ":") else {
                throw ThresholdError(message: "expected METRIC:+N% (e.g. ttft.p95:+10%, output_token_throughput:-5%), got \"\(text)\"")
            }
            let metric = try MetricPath.parse(String(text[..<colon])).description
            var change = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard change.hasSuffix("%"), let sign = change.first, sign == "+" || sign == "-" else {
                throw ThresholdError(message: "\(text): expected a signed percentage after the colon, like +10% or -5%")
            }
            change = String(change.dropFirst().dropLast())
            guard let v = Double(change), v.isFinite, v >= 0 else { throw ThresholdError(message: "\(text): \"\(change)\" is not a percentage") }
            let lowerIsBetter = !RunComparison.higherIsBetter.contains(try MetricPath.parse(metric).name)
            if lowerIsBetter != (sign == "+") {
                throw ThresholdError(message: "\(text): \(metric) is " + (lowerIsBetter ? "lower-is-better, so a regression is an increase: write +\(change)%"
                                                                        : "higher-is-better, so a regression is a decrease: write -\(change)%"))
            }
            return Gate(metric: metric, tolerancePercent: v)
        }
    }

    public var lines: [Line]
    public var tolerancePercent: Double
    /// How many base runs the baseline pools.
    public var baseRuns = 1
    /// The lines that fail the comparison: gated regressions when there are gates, otherwise every regression.
    public var regressions: [Line] {
        let gated = lines.contains(where: \.gated)
        return lines.filter { $0.regression && (!gated || $0.gated) }
    }

    /// The metrics compared by default: latency percentiles (lower is better), throughput (higher), error rate (lower).
    public static let defaultMetrics = ["ttft.p50", "ttft.p95", "ttft.p99", "tpot.p50", "tpot.p95", "itl.p50", "itl.p99", "e2e.p50",
                                        "e2e.p95", "cold_ttft.p50", "output_token_throughput", "request_throughput", "error_rate",
                                        "goodput"]

    static let higherIsBetter: Set = ["output_token_throughput", "request_throughput", "goodput", "goodput_fraction", "succeeded"]
    static let countLike: Set = ["error_rate", "failed", "dropped"]

    public init(base: RunSummary, new: RunSummary, tolerancePercent: Double, metrics: [String] = RunComparison.defaultMetrics) {
        self.init(bases: [base], new: new, tolerancePercent: tolerancePercent, metrics: metrics)
    }

    /// `bases` (one or more, e.g. the last good nights) pooled against `new`; `gates` add metrics with their own tolerance.
    public init(bases: [RunSummary], new: RunSummary, tolerancePercent: Double, metrics: [String] = RunComparison.defaultMetrics,
                gates: [Gate] = []) {
        precondition(!bases.isEmpty, "compare needs a base run")
        self.tolerancePercent = tolerancePercent
        baseRuns = bases.count
        let pooled = bases.count == 1 ? bases[0] : Self.pool(bases)
        var names = metrics
        for g in gates where !names.contains(g.metric) { names.append(g.metric) }
        lines = names.map { name in
            let gate = gates.first { $0.metric == name }
            var l = Self.line(name, pooled, new, gate?.tolerancePercent ?? tolerancePercent)
            l.gated = gate != nil
            if bases.count > 1 { Self.holdToTheNights(&l, bases) }
            return l
        }
    }

    /// The default metrics plus each adapter's TTFT p50 where both runs served that adapter.
    public static func defaultMetrics(base: RunSummary, new: RunSummary) -> [String] {
        let both = Set(base.adapters.map(\.adapter)).intersection(new.adapters.map(\.adapter))
        guard both.count > 1 else { return defaultMetrics }
        return defaultMetrics + both.sorted().map { MetricPath(name: "ttft", adapter: $0, statistic: "p50").description }
    }

    /// The base runs' samples as one run: histograms and counts added, windows laid end to end.
    static func pool(_ bases: [RunSummary]) -> RunSummary {
        var p = RunMerge.merge(bases, sequential: true, version: bases[0].run.lorabenchVersion)
        p.run.scenarioName = bases[0].run.scenarioName
        p.scenario = bases[0].scenario
        return p
    }

    /// A regression against pooled nights must also be worse than the worst single night.
    static func holdToTheNights(_ l: inout Line, _ bases: [RunSummary]) {
        let path = (try? MetricPath.parse(l.metric, requireStatistic: false)) ?? MetricPath(name: l.metric)
        let values = bases.compactMap { path.actual(in: $0) }
        guard let lo = values.min(), let hi = values.max() else { return }
        l.baseRange = lo...hi
        guard l.verdict == .regression, let n = l.new else { return }
        let worseThanEveryNight = l.lowerIsBetter ? n > hi : n < lo
        if !worseThanEveryNight { l.verdict = .withinBaseRange; l.regression = false }
    }

    static func line(_ name: String, _ base: RunSummary, _ new: RunSummary, _ tol: Double) -> Line {
        let path = (try? MetricPath.parse(name, requireStatistic: false)) ?? MetricPath(name: name)
        let b = path.actual(in: base), n = path.actual(in: new)
        let lowerIsBetter = !higherIsBetter.contains(path.name)
        var change: Double?
        if let b, let n, b != 0 { change = (n - b) / abs(b) * 100 }
        var l = Line(metric: name, base: b, new: n, changePercent: change, regression: false, lowerIsBetter: lowerIsBetter)
        l.tolerancePercent = tol
        let (bs, bInt, bInd, needsInterval) = evidence(path, base, b)
        let (ns, nInt, nInd, _) = evidence(path, new, n)
        l.baseCount = bs; l.newCount = ns; l.baseInterval = bInt; l.newInterval = nInt
        l.baseIndependent = bInd; l.newIndependent = nInd
        guard let b, let n else { l.verdict = .noData; return l }
        var worse = false, improved = false
        if countLike.contains(path.name) {
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
    static func evidence(_ path: MetricPath, _ s: RunSummary, _ value: Double?) -> (UInt64, SamplingInterval?, UInt64?, Bool) {
        let a = s.aggregate
        if let adapter = path.adapter {
            guard let row = a.adapters[adapter] else { return (0, nil, nil, false) }
            let requests = UInt64(max(0, row.requests))
            switch path.name {
            case "error_rate": return (requests, SamplingInterval.proportion(row.failed, of: row.requests), nil, true)
            case "failed", "succeeded": return (requests, nil, nil, false)
            case "ttft": return latencyEvidence(row.ttft, path.statistic, independent: nil)
            case "cold_ttft": return latencyEvidence(row.coldTTFT, path.statistic, independent: nil)
            case "warm_ttft": return latencyEvidence(row.warmTTFT, path.statistic, independent: nil)
            case "tpot": return latencyEvidence(row.tpot, path.statistic, independent: nil)
            case "e2e": return latencyEvidence(row.e2e, path.statistic, independent: nil)
            default: return (0, nil, nil, false)
            }
        }
        let completed = UInt64(max(0, a.completed)), succeeded = UInt64(max(0, a.succeeded))
        switch path.name {
        case "error_rate": return (completed, SamplingInterval.proportion(a.failed, of: a.completed), nil, true)
        case "goodput_fraction": return (succeeded, SamplingInterval.proportion(a.metSLO, of: a.succeeded), nil, true)
        case "request_throughput":
            return (completed, value.flatMap { SamplingInterval.rate($0, requests: a.completed) }, nil, true)
        case "output_token_throughput", "goodput":
            return (succeeded, value.flatMap { SamplingInterval.rate($0, requests: a.succeeded) }, nil, true)
        case "failed", "dropped", "succeeded": return (completed, nil, nil, false)
        case "cold_ttft": return latencyEvidence(a.coldTTFT, path.statistic, independent: nil)
        case "warm_ttft": return latencyEvidence(a.warmTTFT, path.statistic, independent: nil)
        default:
            guard let m = MetricName(rawValue: path.name).flatMap({ a.metrics[$0] }) else { return (0, nil, nil, false) }
            // ITL gaps of one request share its batch and its server state: the request, not the gap, is the unit.
            let independent: UInt64? = path.name == "itl" ? min(m.count, a.metrics[.tpot]?.count ?? 0) : nil
            return latencyEvidence(m, path.statistic, independent: independent)
        }
    }

    static func latencyEvidence(_ m: TrackedMetric, _ statistic: String?, independent: UInt64?) -> (UInt64, SamplingInterval?, UInt64?, Bool) {
        switch statistic {
        case nil, "min", "max": return (m.count, nil, independent, false)
        case "mean": return (m.count, SamplingInterval.mean(m, independent: independent), independent, true)
        case let p?:
            guard let q = Double(p.dropFirst()) else { return (m.count, nil, independent, false) }
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
            let change = l.changeText
            out.append(ReportText.left("  " + l.metric + (l.gated ? " *" : ""), 26)
                       + [l.base.map { ReportText.number($0) } ?? "-", l.new.map { ReportText.number($0) } ?? "-", change,
                          "\(l.baseCount)/\(l.newCount)"].map { ReportText.right($0, 11) }.joined()
                       + "   " + ReportText.left(ci(l.baseInterval), 18) + ReportText.left(ci(l.newInterval), 18) + l.verdict.label)
        }
        out.append("")
        out.append("  a verdict needs the change beyond ±\(ReportText.number(tolerancePercent))% and the two 95% intervals apart"
                   + " (percentiles: order-statistic bounds from the HDR histograms; itl counts requests as the independent units)")
        if baseRuns > 1 {
            out.append("  base: \(baseRuns) runs pooled; a regression must also be worse than the worst of them (\"within base range\" otherwise)")
        }
        let gates = lines.filter(\.gated)
        if !gates.isEmpty {
            out.append("  * gated by --fail-on (only these fail the comparison): "
                       + gates.map { "\($0.metric) \($0.lowerIsBetter ? "+" : "-")\(ReportText.number($0.tolerancePercent))%" }.joined(separator: ", "))
        }
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
            var tolerancePercent: Double; var gated: Bool; var baseRange: ClosedRange<Double>?
            func encode(to e: Encoder) throws {
                var c = e.container(keyedBy: K.self)
                try c.encode(metric, forKey: .metric); try c.encode(base, forKey: .base); try c.encode(new, forKey: .new)
                try c.encode(changePercent, forKey: .changePercent)
                try c.encode(baseCount, forKey: .baseCount); try c.encode(newCount, forKey: .newCount)
                try c.encodeIfPresent(baseIndependent, forKey: .baseIndependent)
                try c.encodeIfPresent(newIndependent, forKey: .newIndependent)
                try c.encode(baseInterval, forKey: .baseInterval); try c.encode(newInterval, forKey: .newInterval)
                try c.encode(lowerIsBetter, forKey: .lowerIsBetter); try c.encode(verdict, forKey: .verdict)
                try c.encode(tolerancePercent, forKey: .tolerancePercent); try c.encode(gated, forKey: .gated)
                try c.encodeIfPresent(baseRange.map { [$0.lowerBound, $0.upperBound] }, forKey: .baseRange)
            }
            enum K: String, CodingKey {
                case metric, base, new, verdict
                case changePercent = "change_percent", baseCount = "base_count", newCount = "new_count"
                case baseIndependent = "base_independent", newIndependent = "new_independent"
                case baseInterval = "base_interval", newInterval = "new_interval", lowerIsBetter = "lower_is_better"
                case tolerancePercent = "tolerance_percent", gated, baseRange = "base_range"
            }
        }
        struct Doc: Encodable {
            var schema = "lorabench.compare/v1"
            var base: Side; var new: Side; var tolerancePercent: Double; var confidence = 0.95
            var comparable: Bool; var mismatches: [String]; var metrics: [Metric]; var regressions: [String]; var baseRuns: Int
            enum CodingKeys: String, CodingKey {
                case schema, base, new, confidence, comparable, mismatches, metrics, regressions
                case tolerancePercent = "tolerance_percent", baseRuns = "base_runs"
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
                                 lowerIsBetter: l.lowerIsBetter, verdict: l.verdict, tolerancePercent: l.tolerancePercent,
                                 gated: l.gated, baseRange: l.baseRange)
                      }, regressions: regressions.map(\.metric), baseRuns: baseRuns)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? enc.encode(doc) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
