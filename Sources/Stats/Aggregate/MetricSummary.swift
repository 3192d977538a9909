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

    /// Summarises a histogram; exact min and max may be given since HDR buckets round them.
    public init(_ h: LatencyHistogram, exactMin: UInt64? = nil, exactMax: UInt64? = nil) {
        count = h.count
        guard h.count > 0 else {
            min = 0; max = 0; mean = 0; stddev = 0; p50 = 0; p90 = 0; p95 = 0; p99 = 0; p999 = 0
            return
        }
        let hist = h.histogram
        min = Self.ms(exactMin ?? hist.min)
        max = Self.ms(exactMax ?? hist.max)
        mean = Self.round3(hist.mean / 1000)
        stddev = Self.round3(hist.stdDeviation / 1000)
        p50 = Self.ms(h.percentile(50)); p90 = Self.ms(h.percentile(90)); p95 = Self.ms(h.percentile(95))
        p99 = Self.ms(h.percentile(99)); p999 = Self.ms(h.percentile(99.9))
    }

    static func ms(_ micros: UInt64) -> Double { round3(Double(micros) / 1000) }
    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
