import Foundation

/// A self-contained HTML page (inline SVG with native hover titles, no scripts or external assets) for one run or a
/// series of nightly runs.
public enum HTMLDashboard {
    /// One run, with its per-second time series when timeseries.csv rows are given, and tokens per second as they
    /// streamed when streaming.csv rows are.
    public static func render(run s: RunSummary, timeseries: [[String: String]] = [], streaming: [[String: String]] = []) -> String {
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
        body += SVGHistogramChart(title: "TTFT distribution", metric: s.aggregate.metrics[.ttft] ?? TrackedMetric()).render()
        if !timeseries.isEmpty {
            let secs = seconds(timeseries)
            func series(_ key: String, _ name: String, dashed: Bool = false) -> SVGLineChart.Series {
                perSecond(timeseries, key, name, dashed: dashed)
            }
            body += "<h2>Over time</h2>\n"
            body += SVGLineChart(title: "TTFT per second", xLabel: "second", yLabel: "ms", xCategories: secs,
                                 series: [series("ttft_p50_ms", "TTFT p50"), series("ttft_p95_ms", "TTFT p95", dashed: true)]).render()
            body += SVGLineChart(title: "Requests completed per second", xLabel: "second", yLabel: "requests/s", xCategories: secs,
                                 series: [series("requests", "requests"), series("errors", "errors", dashed: true)]).render()
            body += SVGLineChart(title: "Active VUs", xLabel: "second", yLabel: "VUs", xCategories: secs,
                                 series: [series("active_vus", "active VUs")]).render()
            if streaming.isEmpty {
                // timeseries.csv counts a request's tokens in the second it completed, not as they streamed: said so on the chart.
                body += SVGLineChart(title: "Output tokens of requests completed each second", xLabel: "second", yLabel: "tokens/s", xCategories: secs,
                                     series: [series("output_tokens", "output tokens")]).render()
            }
        }
        if !streaming.isEmpty {
            body += SVGLineChart(title: "Output tokens per second, counted as they arrived", xLabel: "second", yLabel: "tokens/s",
                                 xCategories: seconds(streaming), series: [perSecond(streaming, "output_tokens", "tokens streamed")]).render()
        }
        if s.adapters.count > 1 || s.adapters.first?.adapter.isEmpty == false {
            body += "<h2>Per adapter</h2>\n" + table(["adapter", "requests", "failed", "ttft p50", "ttft p95", "1st touch", "repeat p50", "tpot p50", "e2e p95"],
                s.adapters.map { a in
                    // An adapter whose requests all failed has no latencies: "-", never 0.
                    func ms(_ m: MetricSummary, _ v: Double) -> String { m.count > 0 ? ReportText.number(v) : "-" }
                    return [a.adapter.isEmpty ? "(base model)" : esc(a.adapter), String(a.requests), String(a.failed),
                            ms(a.ttft, a.ttft.p50), ms(a.ttft, a.ttft.p95), ms(a.coldTTFT, a.coldTTFT.p50), ms(a.warmTTFT, a.warmTTFT.p50),
                            ms(a.tpot, a.tpot.p50), ms(a.e2e, a.e2e.p95)]
                })
        }
        return page(title: "lorabench: \(s.run.scenarioName)", body: body)
    }

    /// A trend page over many runs: per metric a chart with one line per group (scenario and `--tag`s), x = each run's
    /// start, labelled with date and name and linked to each run (`sources` are the paths the runs were read from),
    /// gaps and markers for runs that measured nothing or stopped early, threshold limits drawn, per-adapter TTFT,
    /// a filter by group, and a table with each run's tags and threshold outcomes.
    public static func render(trend runs: [RunSummary], sources: [String] = []) -> String {
        let order = runs.indices.sorted { runs[$0].run.startedAt < runs[$1].run.startedAt }
        let sorted = order.map { runs[$0] }
        let paths = order.map { sources.indices.contains($0) ? sources[$0] : nil }
        let slots = zip(sorted, paths).map { s, path in
            SVGTrendChart.Run(label: runName(s, path), date: shortDate(s.run.startedAt), link: path.map(runLink),
                              failed: s.requests.succeeded == 0, partial: s.run.interrupted || s.run.abortedByThreshold != nil,
                              time: PrometheusExport.startSeconds(s.run.startedAt))
        }
        var groups: [String] = []
        for s in sorted where !groups.contains(group(s)) { groups.append(group(s)) }
        typealias Pick = (RunSummary) -> Double?
        func latency(_ m: String, _ stat: String) -> Pick { { MetricPath(name: m, statistic: stat).actual(in: $0) } }
        let charts: [(id: String, title: String, unit: String, lines: [(String, Pick, Bool)], thresholds: String?, scale: Double)] = [
            ("ttft", "Time to first token", "ms", [("p50", latency("ttft", "p50"), false), ("p95", latency("ttft", "p95"), true)], "ttft.", 1),
            ("tpot", "Time per output token", "ms", [("p50", latency("tpot", "p50"), false), ("p95", latency("tpot", "p95"), true)], "tpot.", 1),
            ("itl", "Inter-token latency", "ms", [("p50", latency("itl", "p50"), false), ("p99", latency("itl", "p99"), true)], "itl.", 1),
            ("e2e", "End-to-end latency", "ms", [("p50", latency("e2e", "p50"), false), ("p95", latency("e2e", "p95"), true)], "e2e.", 1),
            ("tokens", "Output tokens per second", "tokens/s",
             [("tok/s", { $0.requests.succeeded > 0 ? $0.throughput.outputTokenThroughput : nil }, false)], "output_token_throughput", 1),
            ("errors", "Error rate", "% of completed requests",
             [("errors", { $0.requests.succeeded + $0.requests.failed > 0 ? $0.requests.errorRate * 100 : nil }, false)], "error_rate", 100),
        ]
        var body = "<h1>lorabench trend: \(sorted.count) runs</h1>\n"
        body += "<p>A gap and a red ✗ mark a run in which every request failed (it has no latency, not a latency of 0); an orange ◐ a run"
            + " that stopped early. The x axis is each run's start time. Hover a point for its value, click a run's name to open it.</p>\n"
        body += "<fieldset id=\"groups\"><legend>Scenario and tags</legend>" + groups.map { g in
            "<label><input type=\"checkbox\" checked data-group=\"\(esc(g))\"> \(esc(g))</label>"
        }.joined(separator: " ") + "</fieldset>\n"
        for c in charts {
            var series: [SVGTrendChart.Series] = []
            for g in groups {
                for (suffix, pick, dashed) in c.lines {
                    let pts = sorted.indices.filter { group(sorted[$0]) == g }.map { (slot: $0, value: pick(sorted[$0])) }
                    series.append(.init(name: groups.count > 1 || c.lines.count == 1 ? "\(g) \(suffix)" : suffix, colourKey: g,
                                        points: pts, dashed: dashed, group: g))
                }
            }
            // The newest run's thresholds on this metric, drawn where the line must stay.
            let limits = (sorted.last?.thresholds ?? []).filter { t in c.thresholds.map { t.metric.hasPrefix($0) } ?? false }
                .compactMap { t -> (value: Double, label: String)? in
                    guard let th = try? Threshold.parse(metric: t.metric, expression: t.expression) else { return nil }
                    return (th.value * c.scale, "\(t.metric) \(t.expression)")
                }
            body += SVGTrendChart(id: "trend-" + c.id, title: c.title, unit: c.unit, runs: slots, series: series, limits: limits).render()
        }
        body += adapterTrend(sorted, slots: slots, groups: groups)
        func cell(_ v: Double?) -> String { v.map { ReportText.number($0) } ?? "-" }
        body += "<h2>Runs</h2>\n"
        body += table(["started", "run", "scenario", "tags", "ok", "failed", "error rate", "ttft p50", "ttft p95", "tpot p50", "itl p50", "tok/s", "thresholds"],
                      zip(sorted.indices, sorted).map { i, s in
                          let name = slots[i].link.map { "<a href=\"\(esc($0))\">\(esc(slots[i].label))</a>" } ?? esc(slots[i].label)
                          var th = s.thresholds.map { t in
                              "<span class=\"\(t.passed ? "pass" : "fail")\">\(t.passed ? "✓ passed" : "✗ FAILED") \(esc(t.metric + " " + t.expression))"
                                  + " (actual \(t.actual.map { ReportText.number($0) } ?? "no data"))</span>"
                          }
                          if let a = s.run.abortedByThreshold { th.append("<span class=\"fail\">aborted by \(esc(a))</span>") }
                          var marks = ""
                          if s.requests.succeeded == 0 { marks += " <b class=\"fail\">all failed</b>" }
                          if s.run.interrupted { marks += " <b class=\"partial\">interrupted</b>" }
                          return [esc(s.run.startedAt), name + marks, esc(s.run.scenarioName), esc(tagText(s)), String(s.requests.succeeded),
                                  String(s.requests.failed), ReportText.number(s.requests.errorRate * 100) + "%",
                                  cell(latency("ttft", "p50")(s)), cell(latency("ttft", "p95")(s)), cell(latency("tpot", "p50")(s)),
                                  cell(latency("itl", "p50")(s)), s.requests.succeeded > 0 ? ReportText.number(s.throughput.outputTokenThroughput) : "-",
                                  th.isEmpty ? "-" : th.joined(separator: "<br>")]
                      }, rowGroups: sorted.map(group))
        return page(title: "lorabench trend", body: body)
    }

    /// TTFT p50 per adapter across runs: one chart per group, one line per adapter (the ten with most requests).
    static func adapterTrend(_ sorted: [RunSummary], slots: [SVGTrendChart.Run], groups: [String]) -> String {
        var out = ""
        for g in groups {
            var volume: [String: Int] = [:]
            for s in sorted where group(s) == g { for a in s.adapters { volume[a.adapter, default: 0] += a.requests } }
            guard volume.count > 1 || volume.keys.first?.isEmpty == false else { continue }
            let top = volume.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
            let series = top.map { adapter in
                SVGTrendChart.Series(name: adapter.isEmpty ? "(base model)" : adapter, colourKey: adapter,
                                     points: sorted.indices.filter { group(sorted[$0]) == g }.map { i in
                                         (slot: i, value: MetricPath(name: "ttft", adapter: adapter, statistic: "p50").actual(in: sorted[i]))
                                     }, dashed: false, group: g)
            }
            out += SVGTrendChart(id: "trend-adapters-" + String(groups.firstIndex(of: g)!), title: "TTFT p50 per adapter: \(g)"
                                 + (volume.count > 10 ? " (10 busiest of \(volume.count))" : ""), unit: "ms", runs: slots, series: series).render()
        }
        return out
    }

    /// The `second` column of a per-second CSV (timeseries.csv, streaming.csv).
    static func seconds(_ rows: [[String: String]]) -> [Double] { rows.compactMap { Double($0["second"] ?? "") } }

    /// One column of a per-second CSV as a chart line; rows without a number there are left out.
    static func perSecond(_ rows: [[String: String]], _ key: String, _ name: String, dashed: Bool = false) -> SVGLineChart.Series {
        .init(name: name, points: rows.compactMap { r in
            guard let x = Double(r["second"] ?? ""), let y = Double(r[key] ?? "") else { return nil }
            return (x, y)
        }, dashed: dashed)
    }

    /// The group a run is drawn in: its scenario and its tags.
    static func group(_ s: RunSummary) -> String {
        let tags = tagText(s)
        return s.run.scenarioName + (tags.isEmpty ? "" : " [" + tags + "]")
    }

    static func tagText(_ s: RunSummary) -> String {
        (s.run.tags ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// A run's short name: its folder (the path without summary.json), else its run id.
    static func runName(_ s: RunSummary, _ path: String?) -> String {
        guard let path else { return s.run.runId ?? s.run.startedAt }
        let url = URL(fileURLWithPath: path)
        let dir = url.lastPathComponent == "summary.json" ? url.deletingLastPathComponent() : url
        return dir.lastPathComponent
    }

    /// Where a run's name links: its folder, as given on the command line.
    static func runLink(_ path: String) -> String {
        path.hasSuffix("/summary.json") ? String(path.dropLast("summary.json".count)) : (path.hasSuffix("/") ? path : path + "/")
    }

    /// `2026-12-01T10:57:00.380Z` as `2026-12-01 10:57`.
    static func shortDate(_ iso: String) -> String {
        iso.count >= 16 ? String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ") : iso
    }

    static func metricRow(_ name: String, _ m: MetricSummary) -> [String] {
        [name, String(m.count)] + (m.percentileValues + [m.min, m.max, m.mean]).map { ReportText.number($0) }
    }

    /// A table; `rowGroups` tags each row with the filter group it belongs to.
    static func table(_ header: [String], _ rows: [[String]], rowGroups: [String]? = nil) -> String {
        "<table><tr>" + header.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            + rows.enumerated().map { i, row in
                let g = rowGroups.map { " data-group=\"\(esc($0[i]))\"" } ?? ""
                return "<tr\(g)>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>"
            }.joined(separator: "\n") + "</table>\n"
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}
        td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}svg{display:block;margin:8px 0}
        svg.chart{max-width:1400px}.fail{color:#d62728}.pass{color:#2ca02c}.partial{color:#ff7f0e}td span{white-space:nowrap}
        fieldset{border:1px solid #ddd;margin:8px 0}fieldset label{margin-right:16px;white-space:nowrap}
        @media (min-width:2200px){body{font-size:20px}svg.chart{max-width:2000px}}</style>
        </head><body>
        <div id="script-errors" class="fail"></div>
        \(body)
        <script>\(script)</script>
        </body></html>

        """
    }

    /// The page's only script: the group filter, and a record of what was drawn (and of any script error) in the DOM,
    /// so a headless browser can check the page without a screenshot.
    static let script = """
    window.addEventListener('error', function (e) { document.getElementById('script-errors').textContent += 'script error: ' + e.message + ' '; });
    document.querySelectorAll('#groups input').forEach(function (box) {
      box.addEventListener('change', function () {
        document.querySelectorAll('[data-group]').forEach(function (el) {
          if (el.tagName === 'INPUT') return;
          if (el.getAttribute('data-group') === box.getAttribute('data-group')) el.style.display = box.checked ? '' : 'none';
        });
      });
    });
    var charts = document.querySelectorAll('svg.chart, svg[data-chart]');
    var drawn = 0;
    charts.forEach(function (c) { if (c.querySelector('polyline, circle, rect.bar') && c.getBoundingClientRect().width > 0) drawn++; });
    document.documentElement.setAttribute('data-charts', String(charts.length));
    document.documentElement.setAttribute('data-charts-drawn', String(drawn));
    """

    static func esc(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
