/// A number of a run that a threshold or a comparison names: `ttft.p95`, `error_rate`, or one adapter's share in
/// k6's tag-filter form, `ttft{adapter:org/a1}.p95` (`{adapter:}` is the base model). Parsed once, so thresholds,
/// `compare` and the dashboard agree on what a name means.
public struct MetricPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var name: String
    /// nil: the whole run; "" the base model; otherwise one adapter id.
    public var adapter: String?
    /// `p95`, `mean`, …; nil for run-level numbers (`error_rate`).
    public var statistic: String?

    /// Run-level numbers.
    public static let runMetrics = ["error_rate", "request_throughput", "output_token_throughput", "goodput",
                                    "goodput_fraction", "failed", "dropped", "succeeded"]
    /// Latency metrics (ms), each with a statistic.
    public static let latencyMetrics = ["ttft", "ttft_visible", "ttft_intended", "tpot", "itl", "e2e", "e2e_intended",
                                        "schedule_lag", "cold_ttft", "warm_ttft"]
    public static let statistics = ["p50", "p90", "p95", "p99", "p99.9", "min", "max", "mean"]
    /// What one adapter's row in summary.json holds: the names an `{adapter:…}` filter may take.
    public static let perAdapterLatency = ["ttft", "cold_ttft", "warm_ttft", "tpot", "e2e"]
    public static let perAdapterRun = ["error_rate", "failed", "succeeded"]

    public init(name: String, adapter: String? = nil, statistic: String? = nil) {
        self.name = name; self.adapter = adapter; self.statistic = statistic
    }

    public var isLatency: Bool { Self.latencyMetrics.contains(name) }

    /// The canonical spelling, as results and reports print it.
    public var description: String {
        name + (adapter.map { "{adapter:\($0)}" } ?? "") + (statistic.map { "." + $0 } ?? "")
    }

    /// Parses `name[{adapter:ID}][.statistic]`; `requireStatistic` is false when the statistic comes from elsewhere
    /// (k6's `"ttft": ["p(95)<500"]`). The error says what was expected.
    public static func parse(_ text: String, requireStatistic: Bool = true) throws -> MetricPath {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var adapter: String?
        if let open = rest.firstIndex(of: "{") {
            guard let close = rest.lastIndex(of: "}"), close > open else {
                throw ThresholdError(message: "unterminated tag filter in \"\(text)\"; expected name{adapter:ID}")
            }
            let filter = rest[rest.index(after: open)..<close]
            guard let colon = filter.firstIndex(of: ":") else {
                throw ThresholdError(message: "tag filter \"{\(filter)}\" in \"\(text)\": expected {adapter:ID}")
            }
            let tag = filter[..<colon].trimmingCharacters(in: .whitespaces)
            guard tag == "adapter" else {
                throw ThresholdError(message: "tag filter \"{\(filter)}\" in \"\(text)\": only the adapter tag is supported ({adapter:ID}, {adapter:} for the base model)")
            }
            adapter = filter[filter.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let tail = rest[rest.index(after: close)...]
            rest = rest[..<open] + tail
        }
        var name = String(rest), statistic: String?
        if !runMetrics.contains(name), let dot = rest.firstIndex(of: ".") {
            name = String(rest[..<dot])
            statistic = String(rest[rest.index(after: dot)...])
        }
        if runMetrics.contains(name) {
            if let statistic { throw ThresholdError(message: "\"\(name)\" is a run-level number and takes no statistic (\".\(statistic)\")") }
        } else if latencyMetrics.contains(name) {
            if let s = statistic, !statistics.contains(s) {
                throw ThresholdError(message: "unknown statistic \"\(s)\"; expected one of " + statistics.joined(separator: ", "))
            }
            if statistic == nil && requireStatistic {
                throw ThresholdError(message: "\"\(name)\" needs a statistic: \(name).p95, or k6's form \"\(name)\": [\"p(95)<500\"]")
            }
        } else {
            throw ThresholdError(message: "unknown metric \"\(name)\"; expected <metric>.<statistic> with metric one of "
                                 + latencyMetrics.joined(separator: ", ") + ", or one of " + runMetrics.joined(separator: ", "))
        }
        if adapter != nil, !(perAdapterLatency + perAdapterRun).contains(name) {
            throw ThresholdError(message: "\"\(name)\" is not kept per adapter; an {adapter:…} filter takes one of "
                                 + (perAdapterLatency + perAdapterRun).joined(separator: ", "))
        }
        return MetricPath(name: name, adapter: adapter, statistic: statistic)
    }
}
