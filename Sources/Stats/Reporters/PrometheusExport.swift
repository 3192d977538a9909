import Foundation

/// A run summary as Prometheus text exposition (for a node-exporter textfile collector or a pushgateway),
/// so nightly runs land on the same dashboards as the gateway's own `lorax_*` metrics.
///
/// Every family is always written with HELP and TYPE, so a push of a run that measured nothing (all requests
/// failed) replaces the previous night's values instead of leaving them in place: a latency histogram with no
/// samples is written with zero counts (true: nothing was observed), a statistic that does not exist this run
/// (a quantile of no samples, goodput without SLOs) is written as NaN, which Prometheus stores and Grafana
/// draws as a gap, never as 0.
public enum PrometheusExport {
    /// `percentile` label values, matching MetricSummary.percentileValues (not `quantile`: that label belongs to summaries).
    static let percentiles = ["50", "90", "95", "99", "99.9"]

    /// Bucket bounds in seconds, the same for every run so histograms add up across runs and instances
    /// (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 per decade from 0.5 ms to 1 h: about 25 % apart, so a 12 → 15 ms TPOT moves buckets).
    public static let bucketBounds: [Double] = {
        var out: [Double] = [0.0005, 0.00075]
        var decade = 0.001
        while decade < 3600 {
            for m in [1.0, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5] where decade * m < 3600 { out.append((decade * m * 1e6).rounded() / 1e6) }
            decade *= 10
        }
        out.append(3600)
        return out
    }()

    public static func render(_ s: RunSummary) -> String {
        var out: [String] = []
        let base = (["scenario=\"\(esc(s.run.scenarioName))\""]
                    + (s.run.tags ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\"\(esc($0.value))\"" }).joined(separator: ",")
        func family(_ name: String, _ type: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
        }
        func histogram(_ name: String, _ m: TrackedMetric, _ labels: String) {
            out.append(contentsOf: histogramLines(name, m, labels))
        }
        func quantileGauge(_ name: String, _ m: MetricSummary, _ labels: String) {
            for (q, v) in zip(percentiles, m.percentileValues) {
                out.append("\(name){\(labels),percentile=\"\(q)\"} \(m.count > 0 ? num(v / 1000) : "NaN")")
            }
        }
        family("lorabench_run_info", "gauge", "Always 1; the run's identity in labels (version, run id, start time).")
        out.append("lorabench_run_info{\(base),version=\"\(esc(s.run.lorabenchVersion))\",run_id=\"\(esc(s.run.runId ?? ""))\","
                   + "executor=\"\(esc(s.run.executor))\",started_at=\"\(esc(s.run.startedAt))\"} 1")
        family("lorabench_run_start_timestamp_seconds", "gauge", "When the run started, Unix time.")
        out.append("lorabench_run_start_timestamp_seconds{\(base)} \(startSeconds(s.run.startedAt).map(num) ?? "NaN")")
        family("lorabench_window_seconds", "gauge", "Length of the measured window.")
        out.append("lorabench_window_seconds{\(base)} \(num(s.run.windowSeconds))")
        family("lorabench_requests_total", "counter", "Requests by outcome in the measured window.")
        out.append("lorabench_requests_total{\(base),result=\"ok\"} \(s.requests.succeeded)")
        out.append("lorabench_requests_total{\(base),result=\"failed\"} \(s.requests.failed)")
        out.append("lorabench_requests_total{\(base),result=\"dropped\"} \(s.requests.dropped)")
        family("lorabench_errors_total", "counter", "Failed requests by error class.")
        for (cls, n) in s.requests.errors.sorted(by: { $0.key < $1.key }) { out.append("lorabench_errors_total{\(base),class=\"\(cls)\"} \(n)") }
        family("lorabench_output_tokens_total", "counter", "Output tokens of requests that succeeded in the window.")
        out.append("lorabench_output_tokens_total{\(base)} \(s.outputTokens)")
        family("lorabench_output_tokens_per_second", "gauge", "Output tokens per second over the window.")
        out.append("lorabench_output_tokens_per_second{\(base)} \(num(s.throughput.outputTokenThroughput))")
        family("lorabench_requests_per_second", "gauge", "Completed requests per second over the window.")
        out.append("lorabench_requests_per_second{\(base)} \(num(s.throughput.requestThroughput))")
        family("lorabench_goodput_requests_per_second", "gauge", "Requests meeting every SLO per second (NaN: the scenario has no SLO).")
        out.append("lorabench_goodput_requests_per_second{\(base)} \(s.throughput.goodput.map(num) ?? "NaN")")
        family("lorabench_error_ratio", "gauge", "Failed / (succeeded + failed) (NaN: nothing completed).")
        out.append("lorabench_error_ratio{\(base)} \(s.requests.succeeded + s.requests.failed > 0 ? num(s.requests.errorRate) : "NaN")")
        for name in MetricName.allCases {
            let metric = "lorabench_\(name.rawValue)_seconds"
            family(metric, "histogram", "\(name.rawValue) per metrics.md, in seconds (buckets from the HDR histogram).")
            histogram(metric, s.aggregate.metrics[name] ?? TrackedMetric(), base)
            family(metric.replacingOccurrences(of: "_seconds", with: "_percentile_seconds"), "gauge",
                   "\(name.rawValue) percentiles of this run from the exact HDR histogram, in seconds (NaN: no samples).")
            quantileGauge(metric.replacingOccurrences(of: "_seconds", with: "_percentile_seconds"),
                          s.metrics[name.rawValue] ?? MetricSummary(LatencyHistogram()), base)
        }
        family("lorabench_ttft_by_touch_seconds", "histogram", "TTFT of first (cold) and later (warm) requests to each adapter.")
        histogram("lorabench_ttft_by_touch_seconds", s.aggregate.coldTTFT, base + ",touch=\"cold\"")
        histogram("lorabench_ttft_by_touch_seconds", s.aggregate.warmTTFT, base + ",touch=\"warm\"")
        family("lorabench_adapter_ttft_seconds", "histogram", "TTFT per adapter (empty adapter = base model).")
        for (adapter, a) in s.aggregate.adapters.sorted(by: { $0.key < $1.key }) {
            histogram("lorabench_adapter_ttft_seconds", a.ttft, base + ",adapter=\"\(esc(adapter))\"")
        }
        // Quality under load (task workloads): written for every run, so a push of a run without tasks clears them.
        family("lorabench_quality_score", "gauge", "Mean score per adapter and task, 0..1 (NaN: nothing scored).")
        family("lorabench_quality_scored_total", "counter", "Answers scored per adapter and task.")
        for r in (s.quality?.rows ?? []) where r.stage == nil {
            let l = base + ",adapter=\"\(esc(r.adapter))\",task=\"\(esc(r.task))\",metric=\"\(esc(r.metric))\""
            out.append("lorabench_quality_score{\(l)} \(r.score.map(num) ?? "NaN")")
            out.append("lorabench_quality_scored_total{\(l)} \(r.scored)")
        }
        family("lorabench_adapter_mismatches_total", "counter", "Answers whose server named another adapter than the one asked for.")
        if let q = s.quality { out.append("lorabench_adapter_mismatches_total{\(base)} \(q.identity.mismatched)") }
        family("lorabench_canaries_diverged_total", "counter", "Canary answers under load that kept less of their idle answer than required.")
        if let c = s.quality?.canaries { out.append("lorabench_canaries_diverged_total{\(base)} \(c.diverged)") }
        family("lorabench_threshold_passed", "gauge", "1 when the threshold held (metric, comparison lt/le/gt/ge/eq and limit in labels).")
        for t in s.thresholds {
            let (op, limit) = thresholdLabels(t.expression)
            out.append("lorabench_threshold_passed{\(base),metric=\"\(esc(t.metric))\",comparison=\"\(op)\",limit=\"\(esc(limit))\"} \(t.passed ? 1 : 0)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Cumulative `_bucket{le=…}` lines, `_sum` and `_count` of one histogram. A sample counts under a bound when its
    /// HDR bucket's highest value is at or below it (HDR keeps 3 significant digits, so at most 0.1 % off the bound);
    /// `_sum` is the HDR mean times the count.
    static func histogramLines(_ name: String, _ m: TrackedMetric, _ labels: String) -> [String] {
        var values: [(micros: UInt64, count: UInt64)] = []
        for v in m.histogram.histogram.recordedValues() { values.append((v.value, UInt64(v.count))) }
        var out: [String] = [], i = 0, cumulative: UInt64 = 0
        for bound in bucketBounds {
            let limit = UInt64((bound * 1e6).rounded())
            while i < values.count, values[i].micros <= limit { cumulative += values[i].count; i += 1 }
            out.append("\(name)_bucket{\(labels),le=\"\(num(bound))\"} \(cumulative)")
        }
        out.append("\(name)_bucket{\(labels),le=\"+Inf\"} \(m.count)")
        let sum = m.count > 0 ? m.histogram.statistics(at: []).mean * Double(m.count) / 1e6 : 0
        out.append("\(name)_sum{\(labels)} \(num((sum * 1e6).rounded() / 1e6))")
        out.append("\(name)_count{\(labels)} \(m.count)")
        return out
    }

    /// `< 500` as label values a PromQL matcher can name without quoting operators: (`lt`, `500`).
    static func thresholdLabels(_ expression: String) -> (String, String) {
        let names = ["<=": "le", ">=": "ge", "==": "eq", "<": "lt", ">": "gt"]
        for (symbol, name) in names.sorted(by: { $0.key.count > $1.key.count }) where expression.hasPrefix(symbol) {
            return (name, expression.dropFirst(symbol.count).trimmingCharacters(in: .whitespaces))
        }
        return ("", expression)
    }

    /// A run's ISO 8601 start (with milliseconds) as Unix seconds; nil when it does not parse.
    static func startSeconds(_ iso: String) -> Double? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: iso).map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }
    }

    /// A value as Prometheus reads it, without binary float noise: integers bare, others rounded to 15 significant
    /// digits and printed in the shortest form that reads back the same (0.062174999999999994 → 0.062175).
    static func num(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let rounded = Double(String(format: "%.15g", v)) ?? v
        return "\(rounded)"
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
