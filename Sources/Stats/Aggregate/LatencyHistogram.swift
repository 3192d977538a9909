import Histogram

/// An HDR histogram of microsecond values (1 µs resolution, 3 significant digits, grows as needed up to 1 h).
/// Values above one hour are clamped so a stuck request still counts.
///
/// Why the growth and the walks are done here rather than by the library: hdrhistogram-swift's own `resize`
/// (autoResize), `mean`, `stdDeviation` and `valueAtPercentile` are not inlinable, so they run unspecialised for
/// `UInt64` counts, looking up generic metadata per bucket: a callgrind profile put one resize at ~19 M instructions
/// and the summaries' walks at most of a short run's CPU. Growing is a new, larger layout plus the library's
/// inlinable `add` (exact), and the walks scan the library's counts array (`HistogramCounts`; the inlinable
/// `recordedValues()` when it cannot be had), with the library's formulas.
public struct LatencyHistogram: Sendable, Equatable {
    /// Largest value kept: one hour in microseconds.
    public static let highestMicros: UInt64 = 3_600_000_000
    public static let significantDigits = 3
    /// The first value the smallest layout cannot hold: 3 digits give 2048 sub-buckets, each bucket doubles the range.
    static let firstBucketTop: UInt64 = 2048

    public private(set) var histogram: Histogram<UInt64>

    public init() {
        histogram = Self.layout(top: Self.firstBucketTop)
    }

    /// An empty histogram holding values below `top` (a power of two times 2048), in exactly the library's layout.
    /// autoResize stays on as a safety net; `record` grows the layout itself before the library would.
    private static func layout(top: UInt64) -> Histogram<UInt64> { HistogramLayouts.shared.empty(below: top) }

    /// Moves the counts into a layout that holds `value` (values are clamped to one hour, so at most 21 doublings).
    private mutating func grow(toHold value: UInt64) {
        var top = Self.firstBucketTop
        while top <= value { top <<= 1 }
        var bigger = Self.layout(top: top)
        bigger.add(histogram)
        histogram = bigger
    }

    /// Records one value in microseconds.
    public mutating func record(_ micros: UInt64) {
        let v = Swift.min(Swift.max(micros, 1), Self.highestMicros)
        if v > histogram.highestTrackableValue { grow(toHold: v) }
        histogram.record(v)
    }

    /// Records `count` samples of one value in microseconds.
    public mutating func record(_ micros: UInt64, count: UInt64) {
        guard count > 0 else { return }
        let v = Swift.min(Swift.max(micros, 1), Self.highestMicros)
        if v > histogram.highestTrackableValue { grow(toHold: v) }
        histogram.record(v, count: count)
    }

    /// Adds every count of `other` (same layout by construction, so the merge is exact).
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        if other.histogram.maxRecorded > histogram.highestTrackableValue { grow(toHold: other.histogram.maxRecorded) }
        histogram.add(other.histogram)
    }

    public var count: UInt64 { histogram.totalCount }

    /// Value at a percentile in 0...100, in microseconds; 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        count == 0 ? 0 : statistics(at: [p], moments: false).percentiles[0]
    }

    /// What one walk of the buckets gives: the values at the percentiles asked for, the mean and standard deviation
    /// (µs; both 0 when not asked for or empty).
    public struct Statistics: Equatable, Sendable {
        public var percentiles: [UInt64]
        public var mean: Double
        public var stdDeviation: Double
    }

    /// The library's `valueAtPercentile` for each of `ps`, and with `moments` its `mean` and `stdDeviation`, bit for
    /// bit (the same formulas, sums in the same order), from one specialised walk of the recorded buckets.
    public func statistics(at ps: [Double], moments: Bool = true) -> Statistics {
        statistics(at: ps, moments: moments, libraryWalk: false)
    }

    /// `statistics(at:moments:)`, `libraryWalk` as `forEachRecorded` takes it.
    func statistics(at ps: [Double], moments: Bool, libraryWalk: Bool) -> Statistics {
        let total = histogram.totalCount
        var out = Statistics(percentiles: [UInt64](repeating: 0, count: ps.count), mean: 0, stdDeviation: 0)
        guard total > 0 else { return out }
        let lowest = histogram.min, highest = histogram.maxRecorded
        // The count each percentile reaches, as valueAtPercentile rounds it; 0 and 100 are answered directly.
        var wanted = [UInt64](repeating: 0, count: ps.count)
        var open = 0
        for (k, p) in ps.enumerated() {
            if p == 0 { out.percentiles[k] = lowest; continue }
            if p >= 100 { out.percentiles[k] = highest; continue }
            let requested = Swift.min(Swift.max(p.nextDown, 0.0), 100.0)
            wanted[k] = Swift.max(1, UInt64(((requested * Double(total)) / 100.0).rounded(.up)))
            open += 1
        }
        var medians: [(value: UInt64, count: UInt64)] = []
        var totalValue = 0.0
        forEachRecorded(libraryWalk: libraryWalk) { value, count, countToHere in
            if open > 0 {
                for k in wanted.indices where wanted[k] > 0 && countToHere >= wanted[k] {
                    out.percentiles[k] = Swift.max(Swift.min(value, highest), lowest)
                    wanted[k] = 0
                    open -= 1
                }
            }
            guard moments else { return open > 0 }
            // medianEquivalentForValue, from the library's inlinable parts.
            let median = histogram.lowestEquivalentForValue(value) + (histogram.sizeOfEquivalentRangeForValue(value) >> 1)
            medians.append((median, count))
            totalValue += Double(median) * Double(count)
            return true
        }
        guard moments else { return out }
        let mean = totalValue / Double(total)
        var deviations = 0.0
        for m in medians {
            let d = Double(m.value) - mean
            deviations += (d * d) * Double(m.count)
        }
        out.mean = mean
        out.stdDeviation = (deviations / Double(total)).squareRoot()
        return out
    }

    /// Calls `body(value, count, countToHere)` for each recorded bucket in value order, exactly as the library's
    /// `recordedValues()` reports them (`value` is the bucket's highest equivalent value, `countToHere` the running
    /// total), until `body` returns false. Scans the counts array itself when the library hands it over
    /// (`HistogramCounts`), a few instructions per index instead of ~140.
    /// `libraryWalk` forces `recordedValues()` (the tests compare the two).
    func forEachRecorded(libraryWalk: Bool = false, _ body: (_ value: UInt64, _ count: UInt64, _ countToHere: UInt64) -> Bool) {
        let total = histogram.totalCount
        guard total > 0 else { return }
        guard !libraryWalk, let c = HistogramCounts(histogram) else {
            for iv in histogram.recordedValues() where !body(iv.value, UInt64(iv.count), iv.totalCountToThisValue) { return }
            return
        }
        var countToHere: UInt64 = 0
        c.counts.withUnsafeBufferPointer { counts in
            for i in counts.indices where counts[i] != 0 {
                countToHere &+= counts[i]
                guard body(histogram.highestEquivalentForValue(c.lowestValue(at: i)), counts[i], countToHere), countToHere < total else { return }
            }
        }
    }

    /// The non-zero buckets with the layout, compact enough to keep one per metric per adapter in a result.
    public var encoded: EncodedHistogram { encoded(libraryWalk: false) }

    /// `encoded`, `libraryWalk` as `forEachRecorded` takes it.
    func encoded(libraryWalk: Bool) -> EncodedHistogram {
        var buckets: [[UInt64]] = []
        forEachRecorded(libraryWalk: libraryWalk) { value, count, _ in
            buckets.append([value, count])
            return true
        }
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
