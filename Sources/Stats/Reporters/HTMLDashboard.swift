import Foundation

/// A self-contained HTML page (inline SVG, no scripts or external assets) for one run or a series of nightly runs.
public enum HTMLDashboard {
    /// One run, with its per-second time series when timeseries.csv rows are given.
    public static func render(run s: RunSummary, timeseries: [[String: String]] = []) -> String {
        var body = "<h1>lorabench: \(esc(s.run.scenarioName))</h1>\n"
        body += "<p>\(esc(s.run.executor)) against \(esc(s.run.target)) (\(esc(s.run.api))), \(esc(s.run.startedAt)) – \(esc(s.run.endedAt)), "
        body += "window \(ReportText.number(s.run.windowSeconds)) s\(s.run.interrupted ? ", <b>interrupted</b>" : ""), lorabench \(esc(s.run.lorabenchVersion))</p>\n"
        body += table(["requests ok", "failed", "error rate", "dropped", "req/s", "output tok/s", "goodput req/s"],
                      [[String(s.requests.succeeded), String(s.requests.failed), ReportText.number(s.requests.errorRate * 100) + "%",
                        String(s.requests.dropped), ReportText.number(s.throughput.requestThroughput),
                        ReportText.number(s.throughput.outputTokenThroughput), s.throughput.goodput.map { ReportText.number($0) } ?? "-"]])
        let errs = s.requests.errors.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        if !errs.isEmpty { body += "<p>Errors: " + errs.map { "\(esc($0.key)) \($0.value)" }.joined(separator: ", ") + "</p>\n" }
        if !s.thresholds.isEmpty {
            body += "<h2>Thresholds</h2>\n" + table(["", "threshold", "actual"], s.thresholds.map {
                [$0.passed ? "✓" : "✗", esc("\($0.metric) \($0.expression)"), $0.actual.map { ReportText.number($0) } ?? "no data"]
            })
        }
        body += "<h2>Latency (ms)</h2>\n"
        var rows: [[String]] = MetricName.allCases.compactMap { n in s.metrics[n.rawValue].flatMap { $0.count > 0 ? metricRow(n.rawValue, $0) : nil } }
        if s.coldTTFT.count > 0 { rows.append(metricRow("ttft (1st touch)", s.coldTTFT)) }
        if s.warmTTFT.count > 0 { rows.append(metricRow("ttft (repeat)", s.warmTTFT)) }
        body += table(["metric", "count"] + MetricSummary.percentileLabels + ["min", "max", "mean"], rows)
        if !timeseries.isEmpty {
            let secs = timeseries.compactMap { Double($0["second"] ?? "") }
            func series(_ key: String, _ name: String, dashed: Bool = false) -> SVGLineChart.Series {
                .init(name: name, points: timeseries.compactMap { r in
                    guard let x = Double(r["second"] ?? ""), let y = Double(r[key] ?? "") else { return nil }
                    return (x, y)
                }, dashed: dashed)
            }
            body += "<h2>Over time</h2>\n"
            body += SVGLineChart(title: "TTFT per second", xLabel: "second", yLabel: "ms", xCategories: secs,
                                 series: [series("ttft_p50_ms", "TTFT p50"), series("ttft_p95_ms", "TTFT p95", dashed: true)]).render()
            body += SVGLineChart(title: "Throughput per second", xLabel: "second", yLabel: "per second", xCategories: secs,
                                 series: [series("requests", "requests"), series("active_vus", "active VUs", dashed: true)]).render()
            body += SVGLineChart(title: "Output tokens per second", xLabel: "second", yLabel: "tokens/s", xCategories: secs,
                                 series: [series("output_tokens", "output tokens")]).render()
        }
        if s.adapters.count > 1 || s.adapters.first?.adapter.isEmpty == false {
            body += "<h2>Per adapter</h2>\n" + table(["adapter", "requests", "failed", "ttft p50", "ttft p95", "1st touch", "repeat p50", "tpot p50", "e2e p95"],
                s.adapters.map { a in [a.adapter.isEmpty ? "(base model)" : esc(a.adapter), String(a.requests), String(a.failed),
                                       ReportText.number(a.ttft.p50), ReportText.number(a.ttft.p95),
                                       a.coldTTFT.count > 0 ? ReportText.number(a.coldTTFT.p50) : "-", ReportText.number(a.warmTTFT.p50),
                                       ReportText.number(a.tpot.p50), ReportText.number(a.e2e.p95)] })
        }
        return page(title: "lorabench: \(s.run.scenarioName)", body: body)
    }

    /// A trend page over many runs (ordered by start time): the nightly dashboard.
    public static func render(trend runs: [RunSummary]) -> String {
        let sorted = runs.sorted { $0.run.startedAt < $1.run.startedAt }
        let xs = sorted.indices.map(Double.init)
        func series(_ name: String, _ f: (RunSummary) -> Double?, dashed: Bool = false) -> SVGLineChart.Series {
            .init(name: name, points: zip(xs, sorted).compactMap { x, s in f(s).map { (x, $0) } }, dashed: dashed)
        }
        var body = "<h1>lorabench trend: \(sorted.count) runs</h1>\n"
        body += SVGLineChart(title: "TTFT across runs", xLabel: "run (oldest first)", yLabel: "ms", xCategories: xs,
                             series: [series("TTFT p50", { $0.metrics["ttft"]?.p50 }), series("TTFT p95", { $0.metrics["ttft"]?.p95 }, dashed: true),
                                      series("TPOT p50", { $0.metrics["tpot"]?.p50 })]).render()
        body += SVGLineChart(title: "Output tokens/s across runs", xLabel: "run (oldest first)", yLabel: "tokens/s", xCategories: xs,
                             series: [series("output tok/s", { $0.throughput.outputTokenThroughput })]).render()
        body += table(["#", "started", "scenario", "ok", "failed", "ttft p50", "ttft p95", "tpot p50", "tok/s", "thresholds"],
                      zip(sorted.indices, sorted).map { i, s in
                          [String(i), esc(s.run.startedAt), esc(s.run.scenarioName), String(s.requests.succeeded), String(s.requests.failed),
                           ReportText.number(s.metrics["ttft"]?.p50 ?? 0), ReportText.number(s.metrics["ttft"]?.p95 ?? 0),
                           ReportText.number(s.metrics["tpot"]?.p50 ?? 0), ReportText.number(s.throughput.outputTokenThroughput),
                           s.thresholds.isEmpty ? "-" : (s.thresholdsPassed ? "✓" : "✗")]
                      })
        return page(title: "lorabench trend", body: body)
    }

    static func metricRow(_ name: String, _ m: MetricSummary) -> [String] {
        [name, String(m.count)] + (m.percentileValues + [m.min, m.max, m.mean]).map { ReportText.number($0) }
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><tr>" + header.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>\n"
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}
        td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}svg{display:block;margin:8px 0}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }

    static func esc(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
