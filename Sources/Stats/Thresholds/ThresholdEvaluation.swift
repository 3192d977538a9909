/// Evaluating thresholds against a finished run (apart from parsing, which scenario validation needs alone).
extension MetricPath {
    /// The number this path names in a summary (ms for latencies); nil when the run has none (no samples, no such adapter).
    public func actual(in s: RunSummary) -> Double? {
        if let adapter {
            guard let row = s.adapters.first(where: { $0.adapter == adapter }) else { return nil }
            switch name {
            case "error_rate": return row.requests > 0 ? Double(row.failed) / Double(row.requests) : nil
            case "failed": return Double(row.failed)
            case "succeeded": return Double(row.requests - row.failed)
            case "ttft": return Self.statistic(statistic, of: row.ttft)
            case "cold_ttft": return Self.statistic(statistic, of: row.coldTTFT)
            case "warm_ttft": return Self.statistic(statistic, of: row.warmTTFT)
            case "tpot": return Self.statistic(statistic, of: row.tpot)
            case "e2e": return Self.statistic(statistic, of: row.e2e)
            default: return nil
            }
        }
        switch name {
        case "error_rate": return s.requests.errorRate
        case "request_throughput": return s.throughput.requestThroughput
        case "output_token_throughput": return s.throughput.outputTokenThroughput
        case "goodput": return s.throughput.goodput
        case "goodput_fraction": return s.throughput.goodputFraction
        case "failed": return Double(s.requests.failed)
        case "dropped": return Double(s.requests.dropped)
        case "succeeded": return Double(s.requests.succeeded)
        case "cold_ttft": return Self.statistic(statistic, of: s.coldTTFT)
        case "warm_ttft": return Self.statistic(statistic, of: s.warmTTFT)
        default: return Self.statistic(statistic, of: s.metrics[name])
        }
    }

    static func statistic(_ statistic: String?, of m: MetricSummary?) -> Double? {
        guard let m, m.count > 0, let statistic else { return nil }
        switch statistic {
        case "min": return m.min
        case "max": return m.max
        case "mean": return m.mean
        default:
            guard let i = MetricSummary.percentileLabels.firstIndex(of: statistic) else { return nil }
            return m.percentileValues[i]
        }
    }
}

extension Threshold {
    /// The number this threshold looks at in a summary (ms for latencies); nil when the run has none.
    public func actual(in s: RunSummary) -> Double? {
        if let q = try? QualityThreshold.parse(metric) { return q.actual(in: s) }
        return path.actual(in: s)
    }

    /// Checks the threshold; a metric with no data fails (nothing was measured to vouch for it).
    public func evaluate(_ s: RunSummary) -> ThresholdResult {
        let a = actual(in: s)
        return ThresholdResult(metric: metric, expression: expression, actual: a, passed: a.map { comparison.holds($0, value) } ?? false)
    }

    /// During the window: true only when the threshold fails on data (no data yet is not a reason to abort).
    public func failsDuringWindow(_ s: RunSummary, elapsedSeconds: Double) -> Bool {
        guard abortOnFail, elapsedSeconds >= delayAbortEvalSeconds, let a = actual(in: s) else { return false }
        return !comparison.holds(a, value)
    }
}

/// The outcome of one threshold, as stored in summary.json.
public struct ThresholdResult: Codable, Sendable, Equatable {
    public var metric: String
    public var expression: String
    public var actual: Double?
    public var passed: Bool
}
