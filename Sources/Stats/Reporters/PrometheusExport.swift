/// A run summary as Prometheus text exposition (for a node-exporter textfile collector or a pushgateway),
/// so nightly runs land on the same dashboards as the gateway's own `lorax_*` metrics.
public enum PrometheusExport {
    static let quantiles = ["0.5", "0.9", "0.95", "0.99", "0.999"]  // matches MetricSummary.percentileValues

    public static func render(_ s: RunSummary) -> String {
        var out: [String] = []
        let base = "scenario=\"\(esc(s.run.scenarioName))\""
        func family(_ name: String, _ type: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
        }
        func latency(_ name: String, _ m: MetricSummary, _ labels: String) {
            guard m.count > 0 else { return }
            for (q, v) in zip(quantiles, m.percentileValues) { out.append("\(name){\(labels),quantile=\"\(q)\"} \(num(v / 1000))") }
            out.append("\(name)_count{\(labels)} \(m.count)")
            out.append("\(name)_sum{\(labels)} \(num(m.mean * Double(m.count) / 1000))")
        }
        family("lorabench_requests_total", "counter", "Requests by outcome in the measured window.")
        out.append("lorabench_requests_total{\(base),result=\"ok\"} \(s.requests.succeeded)")
        out.append("lorabench_requests_total{\(base),result=\"failed\"} \(s.requests.failed)")
        out.append("lorabench_requests_total{\(base),result=\"dropped\"} \(s.requests.dropped)")
        family("lorabench_errors_total", "counter", "Failed requests by error class.")
        for (cls, n) in s.requests.errors.sorted(by: { $0.key < $1.key }) { out.append("lorabench_errors_total{\(base),class=\"\(cls)\"} \(n)") }
        family("lorabench_output_tokens_per_second", "gauge", "Output tokens per second over the window.")
        out.append("lorabench_output_tokens_per_second{\(base)} \(num(s.throughput.outputTokenThroughput))")
        family("lorabench_requests_per_second", "gauge", "Completed requests per second over the window.")
        out.append("lorabench_requests_per_second{\(base)} \(num(s.throughput.requestThroughput))")
        if let g = s.throughput.goodput {
            family("lorabench_goodput_requests_per_second", "gauge", "Requests meeting every SLO per second.")
            out.append("lorabench_goodput_requests_per_second{\(base)} \(num(g))")
        }
        family("lorabench_error_ratio", "gauge", "Failed / (succeeded + failed).")
        out.append("lorabench_error_ratio{\(base)} \(num(s.requests.errorRate))")
        for name in MetricName.allCases {
            guard let m = s.metrics[name.rawValue], m.count > 0 else { continue }
            let metric = "lorabench_\(name.rawValue)_seconds"
            family(metric, "summary", "\(name.rawValue) per metrics.md, in seconds.")
            latency(metric, m, base)
        }
        if s.coldTTFT.count > 0 || s.warmTTFT.count > 0 {
            family("lorabench_ttft_by_touch_seconds", "summary", "TTFT of first (cold) and later (warm) requests to each adapter.")
            latency("lorabench_ttft_by_touch_seconds", s.coldTTFT, base + ",touch=\"cold\"")
            latency("lorabench_ttft_by_touch_seconds", s.warmTTFT, base + ",touch=\"warm\"")
        }
        if !s.adapters.isEmpty {
            family("lorabench_adapter_ttft_seconds", "summary", "TTFT per adapter (empty adapter = base model).")
            for a in s.adapters { latency("lorabench_adapter_ttft_seconds", a.ttft, base + ",adapter=\"\(esc(a.adapter))\"") }
        }
        if !s.thresholds.isEmpty {
            family("lorabench_threshold_passed", "gauge", "1 when the threshold held.")
            for t in s.thresholds {
                out.append("lorabench_threshold_passed{\(base),threshold=\"\(esc(t.metric + " " + t.expression))\"} \(t.passed ? 1 : 0)")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func num(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
