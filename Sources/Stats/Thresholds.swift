/// A pass/fail criterion on a run, k6 style: `"ttft.p95": "< 500"` (milliseconds), `"error_rate": "< 0.01"`.
public struct Threshold: Codable, Sendable, Equatable {
    public enum Comparison: String, Codable, Sendable, CaseIterable {
        case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            case .ge: return a >= b
            case .eq: return a == b
            }
        }
    }

    /// What is checked: `<metric>.<statistic>` or a run-level number.
    public var metric: String
    public var comparison: Comparison
    public var value: Double

    /// Run-level numbers a threshold may name.
    public static let runMetrics = ["error_rate", "request_throughput", "output_token_throughput", "goodput",
                                    "goodput_fraction", "failed", "dropped", "succeeded"]
    /// Latency metrics (ms) with a statistic.
    public static let latencyMetrics = ["ttft", "ttft_intended", "tpot", "itl", "e2e", "e2e_intended", "schedule_lag", "cold_ttft", "warm_ttft"]
    public static let statistics = ["p50", "p90", "p95", "p99", "p99.9", "min", "max", "mean"]

    /// Parses one `"key": "expression"` pair; the error says what was expected.
    public static func parse(metric: String, expression: String) throws -> Threshold {
        if !runMetrics.contains(metric) {
            let parts = metric.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, latencyMetrics.contains(parts[0]) else {
                throw ThresholdError(message: "unknown metric \"\(metric)\"; expected <metric>.<statistic> with metric one of "
                                     + latencyMetrics.joined(separator: ", ") + ", or one of " + runMetrics.joined(separator: ", "))
            }
            guard statistics.contains(parts[1]) else {
                throw ThresholdError(message: "unknown statistic \"\(parts[1])\"; expected one of " + statistics.joined(separator: ", "))
            }
        }
        let e = expression.trimmingCharacters(in: .whitespaces)
        for c in [Comparison.le, .ge, .eq, .lt, .gt] where e.hasPrefix(c.rawValue) {
            let number = e.dropFirst(c.rawValue.count).trimmingCharacters(in: .whitespaces)
            guard let v = Double(number), v.isFinite else { break }
            return Threshold(metric: metric, comparison: c, value: v)
        }
        throw ThresholdError(message: "expected a comparison like \"< 500\" or \">= 0.99\", got \"\(expression)\"")
    }

    /// The number this threshold looks at in a summary (ms for latencies); nil when the run has none.
    public func actual(in s: RunSummary) -> Double? {
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

    public var expression: String {
        "\(comparison.rawValue) " + (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
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

/// A threshold that cannot be parsed.
public struct ThresholdError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
