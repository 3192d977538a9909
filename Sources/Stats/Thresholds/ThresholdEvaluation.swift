/// Evaluating thresholds against a finished run (apart from parsing, which scenario validation needs alone).
extension Threshold {
    /// The number this threshold looks at in a summary (ms for latencies); nil when the run has none.
    public func actual(in s: RunSummary) -> Double? {
        if let q = try? QualityThreshold.parse(metric) { return q.actual(in: s) }
        switch metric {
        case "error_rate": return s.requests.errorRate
        case "request_throughput": return s.throughput.requestThroughput
        case "output_token_throughput": return s.throughput.outputTokenThroughput
        case "goodput": return s.throughput.goodput
        case "goodput_fraction": return s.throughput.goodputFraction
        case "failed": return Double(s.requests.failed)
        case "dropped": return Double(s.requests.dropped)
        case "succeeded": return Double(s.requests.succeeded)
        default:
            let parts = metric.split(separator: ".", maxSplits: 1).map(String.init)
            let m: MetricSummary?
            switch parts[0] {
            case "cold_ttft": m = s.coldTTFT
            case "warm_ttft": m = s.warmTTFT
            default: m = s.metrics[parts[0]]
            }
            guard let m, m.count > 0 else { return nil }
            switch parts[1] {
            case "min": return m.min
            case "max": return m.max
            case "mean": return m.mean
            default:
                guard let i = MetricSummary.percentileLabels.firstIndex(of: parts[1]) else { return nil }
                return m.percentileValues[i]
            }
        }
    }

    /// Checks the threshold; a metric with no data fails (nothing was measured to vouch for it).
    public func evaluate(_ s: RunSummary) -> ThresholdResult {
        let a = actual(in: s)
        return ThresholdResult(metric: metric, expression: expression, actual: a, passed: a.map { comparison.holds($0, value) } ?? false)
    }
}

/// The outcome of one threshold, as stored in summary.json.
public struct ThresholdResult: Codable, Sendable, Equatable {
    public var metric: String
    public var expression: String
    public var actual: Double?
    public var passed: Bool
}

