/// How much a histogram series grew over the window: per-bound cumulative increases, sum and count.
public struct HistogramIncrease: Sendable, Equatable {
    public var bounds: [Double]
    public var cumulative: [Double]
    public var sum: Double
    public var count: Double
    /// A count or bucket went down between two scrapes (the server restarted): the increase after it is added.
    public var reset = false

    public init(bounds: [Double], cumulative: [Double], sum: Double, count: Double, reset: Bool = false) {
        self.bounds = bounds; self.cumulative = cumulative; self.sum = sum; self.count = count; self.reset = reset
    }
}

/// How much a counter grew over the window; a decrease is a reset, after which the new value counts as increase.
public struct CounterIncrease: Sendable, Equatable {
    public var delta: Double = 0
    public var reset = false
    public init(delta: Double = 0, reset: Bool = false) { self.delta = delta; self.reset = reset }
}

/// A gauge over the window's scrapes.
public struct GaugeRange: Sendable, Equatable {
    public var min = Double.infinity
    public var max = -Double.infinity
    public var total = 0.0
    public var samples = 0
    public var mean: Double? { samples == 0 ? nil : total / Double(samples) }

    public init() {}

    /// Adds one scrape's value (non-finite values are left out).
    public mutating func add(_ v: Double) {
        guard v.isFinite else { return }
        min = Swift.min(min, v); max = Swift.max(max, v); total += v; samples += 1
    }
}

/// Folds the window's scrapes, in order, into increases and ranges: Prometheus's `increase()` without
/// extrapolation, between the first and the last successful scrape. A series absent from the first scrape and seen
/// later started from zero (LoRAX and TGI create a series at its first observation).
/// Threading: a plain value; its owner confines it.
public struct ServerSeriesTracker: Sendable {
    public private(set) var scrapes = 0
    public private(set) var histograms: [String: HistogramIncrease] = [:]
    public private(set) var counters: [String: CounterIncrease] = [:]
    public private(set) var gauges: [String: GaugeRange] = [:]
    /// Each gauge family summed over its series, per scrape (what a role reads: vLLM has a series per engine).
    public private(set) var gaugeFamilies: [String: GaugeRange] = [:]
    /// The last scrape's summaries (their quantiles are the server's own, over its lifetime).
    public private(set) var summaries: [String: PromSummaryPoint] = [:]
    /// Series key → family name.
    public private(set) var family: [String: String] = [:]
    /// Distinct values seen per gauge label, for labels that name things (vLLM's running LoRA adapters).
    public private(set) var labelValues: [String: Set<String>] = [:]
    private var lastHistograms: [String: PromHistogramPoint] = [:]
    private var lastCounters: [String: Double] = [:]

    /// Labels whose comma-separated values are collected (`vllm:lora_requests_info`).
    static let collectedLabels = ["running_lora_adapters", "waiting_lora_adapters"]

    public init() {}

    /// Folds one successful scrape.
    public mutating func add(_ g: ScrapeGroups) {
        let first = scrapes == 0
        scrapes += 1
        for (k, f) in g.family { family[k] = f }
        for (k, p) in g.histograms {
            defer { lastHistograms[k] = p }
            guard let last = lastHistograms[k] else {
                histograms[k] = first ? HistogramIncrease(bounds: p.bounds, cumulative: p.bounds.map { _ in 0 }, sum: 0, count: 0)
                                      : HistogramIncrease(bounds: p.bounds, cumulative: p.cumulative, sum: p.sum, count: p.count)
                continue
            }
            var inc = histograms[k] ?? HistogramIncrease(bounds: p.bounds, cumulative: p.bounds.map { _ in 0 }, sum: 0, count: 0)
            let wentDown = p.count < last.count || zip(p.cumulative, last.cumulative).contains { $0 < $1 }
            if last.bounds != p.bounds || inc.bounds != p.bounds {
                // The layout changed: only a restart does that; what came before cannot be added bucket by bucket.
                inc = HistogramIncrease(bounds: p.bounds, cumulative: p.cumulative, sum: p.sum, count: p.count, reset: true)
            } else if wentDown {
                inc.reset = true
                for i in inc.cumulative.indices { inc.cumulative[i] += p.cumulative[i] }
                inc.sum += p.sum; inc.count += p.count
            } else {
                for i in inc.cumulative.indices { inc.cumulative[i] += p.cumulative[i] - last.cumulative[i] }
                inc.sum += p.sum - last.sum; inc.count += p.count - last.count
            }
            histograms[k] = inc
        }
        for (k, v) in g.counters {
            defer { lastCounters[k] = v }
            var inc = counters[k] ?? CounterIncrease()
            if let last = lastCounters[k] {
                if v < last { inc.reset = true; inc.delta += v } else { inc.delta += v - last }
            } else if !first {
                inc.delta += v
            }
            counters[k] = inc
        }
        var famSums: [String: Double] = [:]
        for (k, v) in g.gauges {
            gauges[k, default: GaugeRange()].add(v)
            if v.isFinite { famSums[g.family[k] ?? k, default: 0] += v }
            for l in g.gaugeLabels[k] ?? [] where Self.collectedLabels.contains(l.name) {
                for part in l.value.split(separator: ",") where !part.isEmpty {
                    labelValues[l.name, default: []].insert(String(part))
                }
            }
        }
        for (f, v) in famSums { gaugeFamilies[f, default: GaugeRange()].add(v) }
        for (k, s) in g.summaries { summaries[k] = s }
    }
}
