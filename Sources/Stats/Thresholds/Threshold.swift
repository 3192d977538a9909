import Foundation

/// A pass/fail criterion on a run, in lorabench's form (`"ttft.p95": "< 500"`, milliseconds) or k6's
/// (`"ttft": ["p(95)<500", "p(99)<1s"]`, `"ttft{adapter:org/a1}": [{"threshold": "p(95)<800", "abortOnFail": true}]`).
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

    /// What is checked, canonical (`ttft.p95`, `ttft{adapter:org/a1}.p95`, `error_rate`).
    public var metric: String
    public var comparison: Comparison
    public var value: Double
    /// k6's `abortOnFail`: stop the run (gracefully) as soon as this threshold fails during the window.
    public var abortOnFail = false
    /// k6's `delayAbortEval`: seconds into the window before an abort is considered (too few samples before).
    public var delayAbortEvalSeconds = 0.0

    public init(metric: String, comparison: Comparison, value: Double, abortOnFail: Bool = false, delayAbortEvalSeconds: Double = 0) {
        self.metric = metric; self.comparison = comparison; self.value = value
        self.abortOnFail = abortOnFail; self.delayAbortEvalSeconds = delayAbortEvalSeconds
    }

    public static var runMetrics: [String] { MetricPath.runMetrics }
    public static var latencyMetrics: [String] { MetricPath.latencyMetrics }
    public static var statistics: [String] { MetricPath.statistics }

    /// The metric parsed (the stored name is canonical, so this cannot fail for a parsed threshold).
    public var path: MetricPath { (try? MetricPath.parse(metric, requireStatistic: false)) ?? MetricPath(name: metric) }

    /// Parses one key and one expression, either form; the error says what was expected.
    public static func parse(metric key: String, expression: String, abortOnFail: Bool = false,
                             delayAbortEvalSeconds: Double = 0) throws -> Threshold {
        if try QualityThreshold.parse(key) != nil { return try parseQuality(key, expression, abortOnFail, delayAbortEvalSeconds) }
        var path = try MetricPath.parse(key, requireStatistic: false)
        let e = expression.trimmingCharacters(in: .whitespaces)
        var rest = Substring(e)
        if let (aggregation, after) = k6Aggregation(rest) {
            let statistic = try statistic(forK6: aggregation, path: path, written: e)
            if let own = path.statistic, statistic != nil, own != statistic {
                throw ThresholdError(message: "\"\(key)\" already names the statistic \(own); \"\(e)\" names another")
            }
            path.statistic = path.statistic ?? statistic
            rest = after
        }
        if path.isLatency && path.statistic == nil {
            throw ThresholdError(message: "\"\(key)\" needs a statistic: \"p(95)<500\" (k6's form) or the key \(path.name).p95 with \"< 500\"")
        }
        for c in [Comparison.le, .ge, .eq, .lt, .gt] where rest.hasPrefix(c.rawValue) {
            var number = rest.dropFirst(c.rawValue.count)
            if c == .eq, number.hasPrefix("=") { number = number.dropFirst() }  // k6 accepts ===
            guard let v = value(number.trimmingCharacters(in: .whitespaces), latency: path.isLatency), v.isFinite else { break }
            return Threshold(metric: path.description, comparison: c, value: v, abortOnFail: abortOnFail,
                             delayAbortEvalSeconds: delayAbortEvalSeconds)
        }
        let unit = path.isLatency ? " (milliseconds, or with a unit: 500ms, 1.5s)" : ""
        throw ThresholdError(message: "expected a comparison like \"< 500\", \"p(95)<500\" or \">= 0.99\"\(unit), got \"\(expression)\"")
    }

    /// `quality{task:x}.accuracy` with a plain comparison (`> 0.9`); the name is kept as written.
    static func parseQuality(_ key: String, _ expression: String, _ abortOnFail: Bool, _ delay: Double) throws -> Threshold {
        let e = expression.trimmingCharacters(in: .whitespaces)
        for c in [Comparison.le, .ge, .eq, .lt, .gt] where e.hasPrefix(c.rawValue) {
            guard let v = Double(e.dropFirst(c.rawValue.count).trimmingCharacters(in: .whitespaces)), v.isFinite else { break }
            return Threshold(metric: key, comparison: c, value: v, abortOnFail: abortOnFail, delayAbortEvalSeconds: delay)
        }
        throw ThresholdError(message: "expected a comparison like \"> 0.9\" or \"== 0\", got \"\(expression)\"")
    }

    /// k6's aggregation at the start of an expression (`p(95)`, `avg`, `med`, `min`, `max`, `rate`, `count`) and what follows.
    static func k6Aggregation(_ e: Substring) -> (String, Substring)? {
        if e.hasPrefix("p("), let close = e.firstIndex(of: ")") {
            return (String(e[..<e.index(after: close)]).replacingOccurrences(of: " ", with: ""),
                    e[e.index(after: close)...].drop { $0 == " " })
        }
        for word in ["avg", "med", "min", "max", "rate", "count"] where e.hasPrefix(word) {
            return (word, e.dropFirst(word.count).drop { $0 == " " })
        }
        return nil
    }

    /// The statistic a k6 aggregation means for this metric; nil for `rate`/`count` on run-level numbers.
    static func statistic(forK6 a: String, path: MetricPath, written: String) throws -> String? {
        switch a {
        case "avg": if path.isLatency { return "mean" }
        case "med": if path.isLatency { return "p50" }
        case "min", "max": if path.isLatency { return a }
        case "rate": if ["error_rate", "goodput_fraction"].contains(path.name) { return nil }
        case "count": if ["failed", "dropped", "succeeded"].contains(path.name) { return nil }
        default:
            let n = a.dropFirst(2).dropLast()
            guard path.isLatency else { break }
            let label = "p" + n
            guard MetricPath.statistics.contains(label) else {
                throw ThresholdError(message: "\"\(written)\": lorabench keeps p(50), p(90), p(95), p(99) and p(99.9), not \(a)")
            }
            return label
        }
        throw ThresholdError(message: "\"\(written)\": \(a) does not apply to \(path.name)"
                             + (path.isLatency ? " (use p(N), avg, med, min or max)" : ""))
    }

    /// A threshold's number: plain, or for latencies a duration in ms, s or m (k6 itself takes plain milliseconds).
    static func value(_ text: String, latency: Bool) -> Double? {
        if let v = Double(text) { return v }
        guard latency else { return nil }
        for (suffix, factor) in [("ms", 1.0), ("us", 0.001), ("µs", 0.001), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) { return v * factor }
        }
        return nil
    }

    /// The comparison as written in scenarios (`< 500`).
    public var expression: String {
        "\(comparison.rawValue) " + (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    enum CodingKeys: String, CodingKey {
        case metric, comparison, value
        case abortOnFail = "abort_on_fail", delayAbortEvalSeconds = "delay_abort_eval_seconds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metric = try c.decode(String.self, forKey: .metric)
        comparison = try c.decode(Comparison.self, forKey: .comparison)
        value = try c.decode(Double.self, forKey: .value)
        abortOnFail = try c.decodeIfPresent(Bool.self, forKey: .abortOnFail) ?? false
        delayAbortEvalSeconds = try c.decodeIfPresent(Double.self, forKey: .delayAbortEvalSeconds) ?? 0
    }
}

/// A threshold that cannot be parsed.
public struct ThresholdError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
