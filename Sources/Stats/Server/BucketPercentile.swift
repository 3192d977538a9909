/// A percentile read from histogram buckets, with the bucket it fell in (its resolution).
public struct BucketPercentile: Sendable, Equatable {
    /// Linear interpolation within the bucket; the bucket's lower bound when that bucket is `+Inf`.
    public var value: Double
    public var lower: Double
    /// Nil for the `+Inf` bucket.
    public var upper: Double?

    public init(value: Double, lower: Double, upper: Double?) { self.value = value; self.lower = lower; self.upper = upper }

    /// The percentile `p` (0...100) of cumulative counts by upper bound, as Prometheus's `histogram_quantile` computes it:
    /// rank = p/100 × total; the first bucket whose cumulative count reaches the rank holds it; linear between its bounds
    /// (the first bucket's lower bound is 0 when its upper bound is positive). Nil when there are no observations.
    public static func of(_ p: Double, bounds: [Double], cumulative: [Double]) -> BucketPercentile? {
        let n = min(bounds.count, cumulative.count)
        guard n > 0, p.isFinite, let total = cumulative[..<n].last, total.isFinite, total > 0 else { return nil }
        let rank = max(0, min(1, p / 100)) * total
        var prevBound = bounds[0] > 0 ? 0.0 : bounds[0]
        var prevCum = 0.0
        for i in 0..<n {
            let b = bounds[i], c = cumulative[i]
            if c >= rank && c > prevCum {
                if b == .infinity {
                    // Beyond the last finite bound nothing can be said but "at least this".
                    return BucketPercentile(value: prevBound, lower: prevBound, upper: nil)
                }
                let lower = i == 0 ? prevBound : bounds[i - 1]
                let within = c - prevCum
                let v = lower + (b - lower) * (rank - prevCum) / within
                return BucketPercentile(value: v.isFinite ? v : b, lower: lower, upper: b)
            }
            if b.isFinite { prevBound = b }
            prevCum = max(prevCum, c)
        }
        return nil
    }
}
