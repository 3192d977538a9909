import Histogram

/// An HDR histogram of microsecond values (1 µs resolution, 3 significant digits, grows as needed up to 1 h).
/// Values above one hour are clamped so a stuck request still counts.
public struct LatencyHistogram: Sendable, Equatable {
    /// Largest value kept: one hour in microseconds.
    public static let highestMicros: UInt64 = 3_600_000_000
    public static let significantDigits = 3

    public private(set) var histogram: Histogram<UInt64>

    public init() {
        var h = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        h.autoResize = true
        histogram = h
    }

    /// Records one value in microseconds.
    public mutating func record(_ micros: UInt64) {
        histogram.record(Swift.min(Swift.max(micros, 1), Self.highestMicros))
    }

    /// Records `count` samples of one value in microseconds.
    public mutating func record(_ micros: UInt64, count: UInt64) {
        guard count > 0 else { return }
        histogram.record(Swift.min(Swift.max(micros, 1), Self.highestMicros), count: count)
    }

    /// Adds every count of `other` (same layout by construction, so the merge is exact).
    public mutating func merge(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    public var count: UInt64 { histogram.totalCount }

    /// Value at a percentile in 0...100, in microseconds; 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(p)
    }

    /// The non-zero buckets with the layout, compact enough to keep one per metric per adapter in a result.
    public var encoded: EncodedHistogram {
        var buckets: [[UInt64]] = []
        for v in histogram.recordedValues() { buckets.append([v.value, UInt64(v.count)]) }
        return EncodedHistogram(unit: "us", lowest: 1, significantDigits: Self.significantDigits, buckets: buckets)
    }

    /// Rebuilds a histogram from its encoded buckets; nil when the layout differs from ours (a merge would trap).
    /// With the exact maximum, the top bucket is recorded at it, so percentiles near 100 come back unchanged.
    public init?(_ encoded: EncodedHistogram, exactMax: UInt64? = nil) {
        guard encoded.lowest == 1, encoded.significantDigits == Self.significantDigits, encoded.unit == "us" else { return nil }
        self.init()
        for b in encoded.buckets where b.count == 2 {
            histogram.record(Swift.min(b[0], exactMax ?? Self.highestMicros, Self.highestMicros), count: b[1])
        }
    }

    public static func == (a: LatencyHistogram, b: LatencyHistogram) -> Bool { a.histogram == b.histogram }
}

/// A histogram as stored in summary.json: layout plus `[value, count]` pairs of non-zero buckets.
public struct EncodedHistogram: Codable, Sendable, Equatable {
    public var unit: String
    public var lowest: UInt64
    public var significantDigits: Int
    public var buckets: [[UInt64]]

    public init(unit: String, lowest: UInt64, significantDigits: Int, buckets: [[UInt64]]) {
        self.unit = unit; self.lowest = lowest; self.significantDigits = significantDigits; self.buckets = buckets
    }

    enum CodingKeys: String, CodingKey {
        case unit, lowest, buckets
        case significantDigits = "significant_digits"
    }
}
