/// One latency metric: an HDR histogram plus the exact extremes (HDR buckets round min and max).
public struct TrackedMetric: Codable, Sendable, Equatable {
    public var histogram = LatencyHistogram()
    public var minMicros: UInt64 = .max
    public var maxMicros: UInt64 = 0

    public init() {}

    public mutating func record(_ micros: UInt64) {
        histogram.record(micros)
        minMicros = Swift.min(minMicros, micros)
        maxMicros = Swift.max(maxMicros, micros)
    }

    /// Records `count` samples of one value.
    public mutating func record(_ micros: UInt64, count: UInt64) {
        guard count > 0 else { return }
        histogram.record(micros, count: count)
        minMicros = Swift.min(minMicros, micros)
        maxMicros = Swift.max(maxMicros, micros)
    }

    public mutating func merge(_ other: TrackedMetric) {
        histogram.merge(other.histogram)
        minMicros = Swift.min(minMicros, other.minMicros)
        maxMicros = Swift.max(maxMicros, other.maxMicros)
    }

    public var count: UInt64 { histogram.count }

    public var summary: MetricSummary {
        MetricSummary(histogram, exactMin: count > 0 ? minMicros : nil, exactMax: count > 0 ? maxMicros : nil)
    }

    enum CodingKeys: String, CodingKey { case min, max, histogram }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let encoded = try c.decode(EncodedHistogram.self, forKey: .histogram)
        // Counts come from a file: bound their sum before recording them (HDR's counters trap on overflow).
        var total: UInt64 = 0
        for b in encoded.buckets where b.count == 2 {
            let (sum, overflow) = total.addingReportingOverflow(b[1])
            guard !overflow, sum <= UInt64(Aggregate.maxCount) else {
                throw DecodingError.dataCorruptedError(forKey: .histogram, in: c,
                    debugDescription: "histogram counts add up to more than 2^53, not a plausible number of samples")
            }
            total = sum
        }
        minMicros = try c.decodeIfPresent(UInt64.self, forKey: .min) ?? .max
        maxMicros = try c.decodeIfPresent(UInt64.self, forKey: .max) ?? 0
        guard let h = LatencyHistogram(encoded, exactMax: maxMicros > 0 ? maxMicros : nil) else {
            throw DecodingError.dataCorruptedError(forKey: .histogram, in: c,
                debugDescription: "histogram layout differs (unit \(encoded.unit), lowest \(encoded.lowest), digits \(encoded.significantDigits)); cannot merge exactly")
        }
        histogram = h
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if count > 0 {
            try c.encode(minMicros, forKey: .min)
            try c.encode(maxMicros, forKey: .max)
        }
        try c.encode(histogram.encoded, forKey: .histogram)
    }
}
