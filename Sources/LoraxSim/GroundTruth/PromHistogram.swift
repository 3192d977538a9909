import Foundation

/// A Prometheus histogram with fixed bounds. A plain value, kept under `SharedState`'s lock.
struct PromHistogram {
    let bounds: [Double]
    var counts: [UInt64]
    var sum: Double = 0
    var count: UInt64 = 0

    /// Empty buckets with these upper bounds.
    init(bounds: [Double]) {
        self.bounds = bounds
        counts = [UInt64](repeating: 0, count: bounds.count)
    }

    /// LoRAX's duration buckets: 35 geometric, 0.00015 s × 1.5^k.
    static func loraxDuration() -> PromHistogram {
        PromHistogram(bounds: (0..<35).map { 0.00015 * pow(1.5, Double($0)) })
    }

    /// 100 linear buckets up to `max` (LoRAX's token-count histograms).
    static func linear(upTo max: Int) -> PromHistogram {
        let step = Swift.max(1.0, Double(max) / 100)
        return PromHistogram(bounds: (1...100).map { Double($0) * step })
    }

    /// Counts `v` in every bucket whose bound is >= it (Prometheus buckets are cumulative).
    mutating func observe(_ v: Double) {
        sum += v
        count += 1
        for i in bounds.indices where v <= bounds[i] { counts[i] += 1 }
    }

    /// Appends the `# TYPE` line, the buckets, `_sum` and `_count` in Prometheus text format.
    func render(name: String, into out: inout String) {
        out += "# TYPE \(name) histogram\n"
        for (b, c) in zip(bounds, counts) { out += "\(name)_bucket{le=\"\(b)\"} \(c)\n" }
        out += "\(name)_bucket{le=\"+Inf\"} \(count)\n\(name)_sum \(sum)\n\(name)_count \(count)\n"
    }
}
