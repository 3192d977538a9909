/// summary.json's `server` section: the server's own `/metrics`, scraped during the window, beside the client's numbers.
/// Every number is optional because a hostile server can make any of them infinite or NaN, which JSON cannot hold.
public struct ServerView: Codable, Sendable {
    /// A percentile with the bucket that holds it (`upper` nil for `+Inf`).
    public struct Percentile: Codable, Sendable, Equatable {
        public var value: Double?
        public var lower: Double?
        public var upper: Double?

        /// `scale` 1000 turns seconds into milliseconds, rounded to the microsecond as the client's are.
        init(_ p: BucketPercentile, scale: Double) {
            func f(_ v: Double) -> Double? { finite(scale == 1000 ? (v * 1000 * 1000).rounded() / 1000 : v * scale) }
            value = f(p.value); lower = f(p.lower); upper = p.upper.flatMap(f)
        }
    }

    /// One role read from the series that holds it.
    public struct RoleValue: Codable, Sendable, Equatable {
        public var series: String
        public var reading: ServerRole.Reading
        /// Counter and histogram readings: the window's increase (requests or tokens).
        public var value: Double?
        /// Latency readings: observations in the window, their mean, and p50/p90/p95/p99 in milliseconds.
        public var count: Double?
        public var meanMs: Double?
        public var percentilesMs: [String: Percentile]?
        /// Gauge readings over the window's scrapes.
        public var min: Double?
        public var mean: Double?
        public var max: Double?
        /// The series went down during the window (a server restart): the value counts only what came after.
        public var reset: Bool?
        /// Why no percentiles could be read, when they could not.
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case series, reading, value, count, min, mean, max, reset, note
            case meanMs = "mean_ms", percentilesMs = "percentiles_ms"
        }
    }

    /// A histogram's increase over the window, in the server's units.
    public struct Histogram: Codable, Sendable, Equatable {
        public struct Bucket: Codable, Sendable, Equatable {
            /// The upper bound as the exposition writes it (`+Inf` included).
            public var le: String
            public var cumulative: Double?
        }
        public var count: Double?
        public var sum: Double?
        /// The bounds whose bucket grew, with cumulative increases (buckets that did not grow are left out).
        public var buckets: [Bucket]
        public var p50: Percentile?
        public var p90: Percentile?
        public var p99: Percentile?
        public var reset: Bool?
    }

    public struct Counter: Codable, Sendable, Equatable {
        public var delta: Double?
        public var reset: Bool?
    }

    public struct Gauge: Codable, Sendable, Equatable {
        public var min: Double?
        public var mean: Double?
        public var max: Double?
    }

    public struct Summary: Codable, Sendable, Equatable {
        /// Quantile → value as of the last scrape (the server's own window, usually its lifetime).
        public var quantiles: [String: Double?]
        public var count: Double?
        public var sum: Double?
    }

    public var url: String
    public var intervalSeconds: Double
    /// Successful scrapes, the start and end ones included.
    public var scrapes: Int
    public var failedScrapes: Int
    /// Lines skipped as unreadable, over all scrapes.
    public var unparsedLines: Int
    /// When the first and last successful scrapes were taken, seconds from the window's start: the deltas lie between.
    public var firstScrapeSeconds: Double?
    public var lastScrapeSeconds: Double?
    /// The first few warnings (failed scrapes, unreadable lines), in order.
    public var warnings: [String]
    public var roles: [String: RoleValue]
    public var histograms: [String: Histogram]
    public var counters: [String: Counter]
    public var gauges: [String: Gauge]
    public var summaries: [String: Summary]
    /// Series left out of the sections above because there were too many.
    public var omittedSeries: Int
    /// Adapters vLLM named in `vllm:lora_requests_info` (running or waiting) at any scrape.
    public var loraAdaptersSeen: [String]?
    /// Client against server, set once the client's summary is known.
    public var agreement: ServerAgreement?

    enum CodingKeys: String, CodingKey {
        case url, scrapes, warnings, roles, histograms, counters, gauges, summaries, agreement
        case intervalSeconds = "interval_seconds", failedScrapes = "failed_scrapes", unparsedLines = "unparsed_lines"
        case firstScrapeSeconds = "first_scrape_seconds", lastScrapeSeconds = "last_scrape_seconds"
        case omittedSeries = "omitted_series", loraAdaptersSeen = "lora_adapters_seen"
    }

    /// Series kept per section; a server with more is summarised by its roles and the CSV.
    public static let maxSeriesPerSection = 1000

    /// Reads every role and raw series out of the folded scrapes.
    public init(url: String, intervalSeconds: Double, tracker t: ServerSeriesTracker, failedScrapes: Int, unparsedLines: Int,
                firstScrapeSeconds: Double?, lastScrapeSeconds: Double?, warnings: [String]) {
        self.url = url
        self.intervalSeconds = intervalSeconds
        scrapes = t.scrapes
        self.failedScrapes = failedScrapes
        self.unparsedLines = unparsedLines
        self.firstScrapeSeconds = firstScrapeSeconds.flatMap(finite)
        self.lastScrapeSeconds = lastScrapeSeconds.flatMap(finite)
        self.warnings = warnings
        var roles: [String: RoleValue] = [:]
        for role in ServerRole.allCases {
            if let v = Self.read(role, t) { roles[role.rawValue] = v }
        }
        self.roles = roles
        var omitted = 0
        func capped<V>(_ d: [String: V]) -> [String] {
            let keys = d.keys.sorted()
            omitted += max(0, keys.count - Self.maxSeriesPerSection)
            return Array(keys.prefix(Self.maxSeriesPerSection))
        }
        var hs: [String: Histogram] = [:]
        for k in capped(t.histograms) { hs[k] = Self.histogram(t.histograms[k]!) }
        histograms = hs
        var cs: [String: Counter] = [:]
        for k in capped(t.counters) { let c = t.counters[k]!; cs[k] = Counter(delta: finite(c.delta), reset: c.reset ? true : nil) }
        counters = cs
        var gs: [String: Gauge] = [:]
        for k in capped(t.gauges) { let g = t.gauges[k]!; gs[k] = Gauge(range: g) }
        gauges = gs
        var ss: [String: Summary] = [:]
        for k in capped(t.summaries) {
            let s = t.summaries[k]!
            var q: [String: Double?] = [:]
            for (quantile, value) in s.quantiles { q[ServerText.number(quantile)] = finite(value) }
            ss[k] = Summary(quantiles: q, count: s.count.flatMap(finite), sum: s.sum.flatMap(finite))
        }
        summaries = ss
        omittedSeries = omitted
        let adapters = t.labelValues.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        loraAdaptersSeen = adapters.isEmpty ? nil : adapters.sorted()
    }

    /// The percentiles a latency role reports.
    public static let rolePercentiles: [(label: String, p: Double)] = [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99)]

    static func read(_ role: ServerRole, _ t: ServerSeriesTracker) -> RoleValue? {
        for (name, reading) in role.candidates {
            switch reading {
            case .latency, .histogramSum, .histogramCount:
                let keys = t.histograms.keys.filter { t.family[$0] == name }
                guard !keys.isEmpty else { continue }
                var v = RoleValue(series: name, reading: reading)
                let parts = keys.sorted().map { t.histograms[$0]! }
                let sum = parts.reduce(0) { $0 + $1.sum }, count = parts.reduce(0) { $0 + $1.count }
                if parts.contains(where: \.reset) { v.reset = true }
                switch reading {
                case .histogramSum: v.value = finite(sum)
                case .histogramCount: v.value = finite(count)
                default:
                    v.count = finite(count)
                    v.meanMs = count > 0 ? finite((sum / count * 1_000_000).rounded() / 1000) : nil
                    // Label sets (per model, per engine) merge bucket by bucket when they share a layout.
                    if let merged = merge(parts) {
                        var ps: [String: Percentile] = [:]
                        for (label, p) in rolePercentiles {
                            if let bp = BucketPercentile.of(p, bounds: merged.bounds, cumulative: merged.cumulative) {
                                ps[label] = Percentile(bp, scale: 1000)
                            }
                        }
                        v.percentilesMs = ps.isEmpty ? nil : ps
                        if ps.isEmpty { v.note = "no observations in the window" }
                    } else {
                        v.note = "its label sets have different buckets"
                    }
                }
                return v
            case .counter:
                let keys = t.counters.keys.filter { t.family[$0] == name }
                guard !keys.isEmpty else { continue }
                var v = RoleValue(series: name, reading: reading)
                let parts = keys.map { t.counters[$0]! }
                v.value = finite(parts.reduce(0) { $0 + $1.delta })
                if parts.contains(where: \.reset) { v.reset = true }
                return v
            case .gauge:
                guard let g = t.gaugeFamilies[name] else { continue }
                var v = RoleValue(series: name, reading: reading)
                let r = Gauge(range: g)
                v.min = r.min; v.mean = r.mean; v.max = r.max
                return v
            }
        }
        return nil
    }

    static func merge(_ parts: [HistogramIncrease]) -> HistogramIncrease? {
        guard var m = parts.first else { return nil }
        for p in parts.dropFirst() {
            guard p.bounds == m.bounds else { return nil }
            for i in m.cumulative.indices { m.cumulative[i] += p.cumulative[i] }
            m.sum += p.sum; m.count += p.count
        }
        return m
    }

    static func histogram(_ h: HistogramIncrease) -> Histogram {
        var buckets: [Histogram.Bucket] = []
        var prev = 0.0
        for (b, c) in zip(h.bounds, h.cumulative) where c != prev || b == .infinity {
            buckets.append(Histogram.Bucket(le: ServerText.number(b), cumulative: finite(c)))
            prev = c
        }
        func pct(_ p: Double) -> Percentile? { BucketPercentile.of(p, bounds: h.bounds, cumulative: h.cumulative).map { Percentile($0, scale: 1) } }
        return Histogram(count: finite(h.count), sum: finite(h.sum), buckets: buckets, p50: pct(50), p90: pct(90), p99: pct(99),
                         reset: h.reset ? true : nil)
    }
}

extension ServerView.RoleValue {
    init(series: String, reading: ServerRole.Reading) { self.series = series; self.reading = reading }
}

extension ServerView.Gauge {
    init(range g: GaugeRange) {
        if g.samples == 0 { min = nil; mean = nil; max = nil; return }
        min = finite(g.min); mean = g.mean.flatMap(finite); max = finite(g.max)
    }
}

/// The value when JSON can hold it (finite), else nil.
func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }

/// Numbers as the exposition format writes them, for bucket bounds, quantiles and CSV values.
public enum ServerText {
    /// `+Inf`, `-Inf`, `NaN`, integers without a fraction, others in Swift's shortest round-trip form.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
