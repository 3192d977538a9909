/// A log-linear histogram of microsecond values: exact below 2048 µs, then 128 sub-buckets per power of two (<1% error).
///
/// Why: scheduling error is sampled per token event (tens of thousands per second); recording must be O(1) and allocation-free.
/// A plain value: each owner keeps its own copy (`SharedState` under its lock).
struct MicrosHistogram {
    private static let linear = 2048
    private static let sub = 128
    private(set) var counts = [UInt64](repeating: 0, count: 2048 + 53 * 128)
    private(set) var total: UInt64 = 0
    private(set) var max: UInt64 = 0

    /// The bucket holding `v`.
    static func index(_ v: UInt64) -> Int {
        if v < UInt64(linear) { return Int(v) }
        let log = 63 - v.leadingZeroBitCount  // >= 11
        let mant = Int((v >> UInt64(log - 7)) & 127)
        return linear + (log - 11) * sub + mant
    }

    /// The smallest value bucket `i` holds.
    static func lowerBound(_ i: Int) -> UInt64 {
        if i < linear { return UInt64(i) }
        let log = (i - linear) / sub + 11
        let mant = UInt64((i - linear) % sub)
        return (UInt64(1) << UInt64(log)) | (mant << UInt64(log - 7))
    }

    /// Counts one value; O(1), no allocation.
    mutating func record(_ v: UInt64) {
        let i = Self.index(v)
        if i < counts.count { counts[i] &+= 1 } else { counts[counts.count - 1] &+= 1 }
        total &+= 1
        if v > max { max = v }
    }

    /// The `p`-th percentile (0–100) as a bucket's lower bound, never above the maximum; 0 when empty.
    func percentile(_ p: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let target = UInt64((Double(total) * p / 100).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= Swift.max(target, 1) { return Swift.min(Self.lowerBound(i), max) }
        }
        return max
    }
}
