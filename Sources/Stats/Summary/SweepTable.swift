import Foundation

/// One cell of a sweep: the grid coordinates and the headline numbers of its run.
public struct SweepRow: Codable, Sendable, Equatable {
    public var cell: String
    public var adapters: Int
    public var concurrency: Int?
    public var rate: Double?
    public var requests: Int
    public var errors: Int
    public var errorRate: Double
    public var dropped: Int
    /// Latencies in ms; nil when the cell had no sample of them (never 0 for "no data").
    public var ttftP50: Double?
    public var ttftP95: Double?
    public var ttftP99: Double?
    public var coldTTFTP50: Double?
    public var warmTTFTP50: Double?
    public var tpotP50: Double?
    public var e2eP95: Double?
    /// TTFT samples behind the percentiles: under 20 a p95, under 100 a p99, is the cell's maximum.
    public var ttftSamples: Int?
    public var outputTokensPerSecond: Double
    public var requestsPerSecond: Double
    public var goodput: Double?
    public var goodputFraction: Double?
    /// Results folder of the cell, relative to the sweep folder.
    public var directory: String
    /// Task workloads: the mean score over every scored answer of the cell (nil when nothing was scored).
    public var quality: Double?
    /// The lowest adapter/task score of the cell.
    public var qualityMin: Double?
    /// Each adapter/task score, keyed `adapter/task` (`(base)/task` for the base model).
    public var qualityScores: [String: Double]?
    /// Responses another adapter gave (error class adapter_mismatch); nil when the run had no quality section.
    public var adapterMismatches: Int?
    /// Canary answers that changed under load.
    public var canariesDiverged: Int?

    enum CodingKeys: String, CodingKey {
        case cell, adapters, concurrency, rate, requests, errors, dropped, goodput, directory
        case errorRate = "error_rate", ttftP50 = "ttft_p50_ms", ttftP95 = "ttft_p95_ms", ttftP99 = "ttft_p99_ms"
        case coldTTFTP50 = "cold_ttft_p50_ms", warmTTFTP50 = "warm_ttft_p50_ms", tpotP50 = "tpot_p50_ms", e2eP95 = "e2e_p95_ms"
        case outputTokensPerSecond = "output_tokens_per_s", requestsPerSecond = "requests_per_s", goodputFraction = "goodput_fraction"
        case ttftSamples = "ttft_samples"
        case quality, qualityMin = "quality_min", qualityScores = "quality_scores", adapterMismatches = "adapter_mismatches"
        case canariesDiverged = "canaries_diverged"
    }

    /// Fewest samples for which a percentile is not simply the maximum: 20 for p95, 100 for p99.
    public static func enoughSamples(forPercentile p: Double) -> Int { Int((100 / (100 - p)).rounded(.up)) }

    public init(cell: String, adapters: Int, concurrency: Int?, rate: Double?, summary s: RunSummary, directory: String) {
        self.cell = cell; self.adapters = adapters; self.concurrency = concurrency; self.rate = rate
        requests = s.requests.succeeded + s.requests.failed
        errors = s.requests.failed
        errorRate = s.requests.errorRate
        dropped = s.requests.dropped
        func stat(_ m: MetricSummary?, _ pick: (MetricSummary) -> Double) -> Double? { m.flatMap { $0.count > 0 ? pick($0) : nil } }
        let ttft = s.metrics["ttft"]
        ttftP50 = stat(ttft, \.p50); ttftP95 = stat(ttft, \.p95); ttftP99 = stat(ttft, \.p99)
        ttftSamples = Int(ttft?.count ?? 0)
        coldTTFTP50 = stat(s.coldTTFT, \.p50)
        warmTTFTP50 = stat(s.warmTTFT, \.p50)
        tpotP50 = stat(s.metrics["tpot"], \.p50)
        e2eP95 = stat(s.metrics["e2e"], \.p95)
        outputTokensPerSecond = s.throughput.outputTokenThroughput
        requestsPerSecond = s.throughput.requestThroughput
        goodput = s.throughput.goodput
        goodputFraction = s.throughput.goodputFraction
        self.directory = directory
        if let q = s.quality {
            let scored = q.rows.reduce(0) { $0 + $1.scored }
            quality = scored > 0 ? q.rows.reduce(0) { $0 + $1.scoreSum } / Double(scored) : nil
            let scores = q.rows.compactMap { r in r.score.map { (Self.scoreKey(adapter: r.adapter, task: r.task), $0) } }
            qualityScores = scores.isEmpty ? nil : Dictionary(scores, uniquingKeysWith: { a, _ in a })
            qualityMin = scores.map(\.1).min()
            adapterMismatches = q.identity.mismatched
            canariesDiverged = q.canaries?.diverged
        }
    }

    /// A score with four decimals (two points of accuracy are 0.02: the table's own rounding must not hide them).
    public static func score(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }

    /// The key of one adapter/task score in `qualityScores` and its sweep.csv column (`quality:<key>`).
    public static func scoreKey(adapter: String, task: String) -> String { (adapter.isEmpty ? "(base)" : adapter) + "/" + task }

    public static let csvHeader = ["cell", "adapters", "concurrency", "rate", "requests", "errors", "error_rate", "dropped",
                                   "ttft_p50_ms", "ttft_p95_ms", "ttft_p99_ms", "cold_ttft_p50_ms", "warm_ttft_p50_ms", "tpot_p50_ms",
                                   "e2e_p95_ms", "output_tokens_per_s", "requests_per_s", "goodput", "goodput_fraction", "directory",
                                   "quality", "quality_min", "adapter_mismatches", "canaries_diverged", "ttft_samples"]

    public var csvFields: [String] {
        func d(_ v: Double?) -> String { v.map { ReportText.number($0) } ?? "" }
        return [cell, String(adapters), concurrency.map(String.init) ?? "", d(rate), String(requests), String(errors), d(errorRate),
                String(dropped), d(ttftP50), d(ttftP95), d(ttftP99), d(coldTTFTP50), d(warmTTFTP50), d(tpotP50), d(e2eP95),
                d(outputTokensPerSecond), d(requestsPerSecond), d(goodput), d(goodputFraction), directory,
                Self.score(quality), Self.score(qualityMin), adapterMismatches.map(String.init) ?? "", canariesDiverged.map(String.init) ?? "",
                ttftSamples.map(String.init) ?? ""]
    }
}

/// sweep.json: every cell's row plus, with `--until-slo`, the capacity found per adapter count.
public struct SweepReport: Codable, Sendable {
    public static let schema = "lorabench.sweep/v1"
    public var schema = SweepReport.schema
    public var scenarioName: String
    /// "concurrency" or "rate": the load axis.
    public var loadAxis: String
    public var rows: [SweepRow]
    /// Highest load meeting the SLOs, per adapter count (only with `--until-slo`).
    public var capacity: [String: Double]
    public var complete: Bool

    enum CodingKeys: String, CodingKey {
        case schema, rows, capacity, complete
        case scenarioName = "scenario_name", loadAxis = "load_axis"
    }

    public init(scenarioName: String, loadAxis: String, rows: [SweepRow], capacity: [String: Double], complete: Bool) {
        self.scenarioName = scenarioName; self.loadAxis = loadAxis; self.rows = rows; self.capacity = capacity; self.complete = complete
    }

    /// Writes sweep.json, sweep.csv and the two SVG charts into `dir`, each atomically.
    public func write(to dir: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try enc.encode(self), to: dir + "/sweep.json")
        // One column per adapter/task score after the fixed ones, so accuracy × load × adapter is one table.
        let scoreKeys = qualityKeys
        var csv = (SweepRow.csvHeader + scoreKeys.map { "quality:" + $0 }).map(CSVLineWriter.escape).joined(separator: ",") + "\n"
        for r in rows {
            let extra = scoreKeys.map { k in SweepRow.score(r.qualityScores?[k]) }
            csv += (r.csvFields + extra).map(CSVLineWriter.escape).joined(separator: ",") + "\n"
        }
        try AtomicFile.write(Data(csv.utf8), to: dir + "/sweep.csv")
        try AtomicFile.write(Data(ttftChart().utf8), to: dir + "/ttft-vs-adapters.svg")
        try AtomicFile.write(Data(throughputChart().utf8), to: dir + "/throughput-vs-load.svg")
        if !scoreKeys.isEmpty { try AtomicFile.write(Data(qualityChart().utf8), to: dir + "/quality-vs-load.svg") }
    }

    private func load(_ r: SweepRow) -> Double { loadAxis == "rate" ? (r.rate ?? 0) : Double(r.concurrency ?? 0) }
    private var loadName: String { loadAxis == "rate" ? "rate" : "concurrency" }

    /// TTFT p50 (solid) and p95 (dashed) against adapter count, one colour per load level.
    public func ttftChart() -> String {
        let loads = Array(Set(rows.map(load))).sorted()
        let adapters = Array(Set(rows.map(\.adapters))).sorted()
        var series: [SVGLineChart.Series] = []
        for l in loads {
            let cells = rows.filter { load($0) == l }.sorted { $0.adapters < $1.adapters }
            let name = "\(loadName) \(ReportText.number(l))"
            series.append(.init(name: name + " p50", points: cells.compactMap { c in c.ttftP50.map { (Double(c.adapters), $0) } }, dashed: false))
            series.append(.init(name: name + " p95", points: cells.compactMap { c in c.ttftP95.map { (Double(c.adapters), $0) } }, dashed: true))
        }
        return SVGLineChart(title: "TTFT vs adapter count (\(scenarioName))", xLabel: "adapters (0 = base model)", yLabel: "TTFT (ms)",
                            xCategories: adapters.map(Double.init), series: series, logX: true).render()
    }

    /// Every adapter/task score key of the sweep, sorted.
    public var qualityKeys: [String] { Array(Set(rows.flatMap { ($0.qualityScores ?? [:]).keys })).sorted() }

    /// Each adapter/task score (percent) against load, one line per adapter/task and adapter count.
    public func qualityChart() -> String {
        let loads = Array(Set(rows.map(load))).sorted()
        let counts = Array(Set(rows.map(\.adapters))).sorted()
        var series: [SVGLineChart.Series] = []
        for key in qualityKeys {
            for a in counts {
                let cells = rows.filter { $0.adapters == a && $0.qualityScores?[key] != nil }.sorted { load($0) < load($1) }
                guard !cells.isEmpty else { continue }
                series.append(.init(name: counts.count > 1 ? "\(key) (\(a) adapters)" : key,
                                    points: cells.map { (load($0), $0.qualityScores![key]! * 100) }, dashed: false))
            }
        }
        return SVGLineChart(title: "Quality vs \(loadName) (\(scenarioName))", xLabel: loadName, yLabel: "score (%)",
                            xCategories: loads, series: series).render()
    }

    /// Output tokens/s against load, one line per adapter count.
    public func throughputChart() -> String {
        let loads = Array(Set(rows.map(load))).sorted()
        let adapters = Array(Set(rows.map(\.adapters))).sorted()
        let series = adapters.map { a in
            SVGLineChart.Series(name: "\(a) adapters", points: rows.filter { $0.adapters == a }.sorted { load($0) < load($1) }
                .map { (load($0), $0.outputTokensPerSecond) }, dashed: false)
        }
        return SVGLineChart(title: "Output tokens/s vs \(loadName) (\(scenarioName))", xLabel: loadName, yLabel: "output tokens/s",
                            xCategories: loads, series: series, logX: true).render()
    }
}
