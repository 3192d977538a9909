import Foundation

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
    public static let latencyMetrics = ["ttft", "ttft_visible", "ttft_intended", "tpot", "itl", "e2e", "e2e_intended", "schedule_lag", "cold_ttft", "warm_ttft"]
    public static let statistics = ["p50", "p90", "p95", "p99", "p99.9", "min", "max", "mean"]

    /// Parses one `"key": "expression"` pair; the error says what was expected.
    public static func parse(metric: String, expression: String) throws -> Threshold {
        if !runMetrics.contains(metric), try QualityThreshold.parse(metric) == nil {
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

    /// The comparison as written in scenarios (`< 500`).
    public var expression: String {
        "\(comparison.rawValue) " + (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }
}

/// A threshold that cannot be parsed.
public struct ThresholdError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
