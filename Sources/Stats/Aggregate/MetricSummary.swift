import Foundation

/// Percentiles and moments of one metric, in milliseconds with three decimals (per metrics.md).
public struct MetricSummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var min: Double
    public var max: Double
    public var mean: Double
    public var stddev: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double

    /// The percentiles every report shows, in order, with their labels.
    public static let percentileLabels = ["p50", "p90", "p95", "p99", "p99.9"]

    /// The values under `percentileLabels`, in the same order.
    public var percentileValues: [Double] { [p50, p90, p95, p99, p999] }

    enum CodingKeys: String, CodingKey {
        case count, min, max, mean, stddev, p50, p90, p95, p99
        case p999 = "p99_9"
    }

    /// Summarises a histogram; exact min and max may be given since HDR buckets round them. Every statistic is
    /// kept within [min, max] (a bucket's midpoint can lie outside the samples it holds).
    public init(_ h: LatencyHistogram, exactMin: UInt64? = nil, exactMax: UInt64? = nil) {
        count = h.count
        guard h.count > 0 else {
            min = 0; max = 0; mean = 0; stddev = 0; p50 = 0; p90 = 0; p95 = 0; p99 = 0; p999 = 0
            return
        }
        let hist = h.histogram
        let lo = Self.ms(exactMin ?? hist.min), hi = Swift.max(lo, Self.ms(exactMax ?? hist.max))
        func clamp(_ v: Double) -> Double { Swift.min(Swift.max(v, lo), hi) }
        min = lo
        max = hi
        // One walk for all of them (the library's getters walk the buckets once each, unspecialised).
        let s = h.statistics(at: [50, 90, 95, 99, 99.9])
        mean = clamp(Self.round3(s.mean / 1000))
        stddev = Self.round3(s.stdDeviation / 1000)
        p50 = clamp(Self.ms(s.percentiles[0])); p90 = clamp(Self.ms(s.percentiles[1])); p95 = clamp(Self.ms(s.percentiles[2]))
        p99 = clamp(Self.ms(s.percentiles[3])); p999 = clamp(Self.ms(s.percentiles[4]))
    }

    /// An empty distribution is written with `count: 0` and every statistic `null`, never as zeros (metrics.md).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        for (key, value) in [(CodingKeys.min, min), (.max, max), (.mean, mean), (.stddev, stddev), (.p50, p50), (.p90, p90),
                             (.p95, p95), (.p99, p99), (.p999, p999)] {
            if count > 0 { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
    }

    /// Reads both forms: statistics as numbers, or `null` for an empty distribution (held as 0 with `count` 0).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(UInt64.self, forKey: .count)
        func v(_ k: CodingKeys) throws -> Double { try c.decodeIfPresent(Double.self, forKey: k) ?? 0 }
        min = try v(.min); max = try v(.max); mean = try v(.mean); stddev = try v(.stddev)
        p50 = try v(.p50); p90 = try v(.p90); p95 = try v(.p95); p99 = try v(.p99); p999 = try v(.p999)
    }

    static func ms(_ micros: UInt64) -> Double { round3(Double(micros) / 1000) }
    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
