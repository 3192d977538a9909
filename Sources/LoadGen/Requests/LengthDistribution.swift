import Foundation

/// How long prompts (in words) or answers (max_new_tokens) are, drawn per request from its seeded stream:
/// real traffic is skewed (a long tail of long prompts), which uniform bounds cannot show.
public enum LengthDistribution: Sendable, Equatable {
    case fixed(Int)
    case uniform(ClosedRange<Int>)
    /// Normal with this mean and standard deviation, rounded and clamped to `bounds`.
    case normal(mean: Double, sigma: Double, bounds: ClosedRange<Int>)
    /// Log-normal: `exp(mu + sigma·z)`, rounded and clamped to `bounds`. Written in a scenario as the lengths'
    /// mean and standard deviation, or as their p50 and p90; stored as the underlying normal's mu and sigma.
    case lognormal(mu: Double, sigma: Double, bounds: ClosedRange<Int>)
    /// An empirical histogram: `lengths[i]` with weight `cdf[i] - cdf[i-1]` (cdf ends at 1).
    case empirical(lengths: [Int], cdf: [Double])

    /// The z value of the normal distribution's 90th percentile.
    static let z90 = 1.2815515655446004

    /// Log-normal from the lengths' own mean and standard deviation (both > 0).
    public static func lognormal(mean: Double, sd: Double, bounds: ClosedRange<Int>) -> LengthDistribution {
        let s2 = log(1 + (sd * sd) / (mean * mean))
        return .lognormal(mu: log(mean) - s2 / 2, sigma: s2.squareRoot(), bounds: bounds)
    }

    /// Log-normal from the lengths' median and 90th percentile (0 < p50 <= p90).
    public static func lognormal(p50: Double, p90: Double, bounds: ClosedRange<Int>) -> LengthDistribution {
        .lognormal(mu: log(p50), sigma: (log(p90) - log(p50)) / z90, bounds: bounds)
    }

    /// One length, drawn from `rng`.
    public func sample(using rng: inout SplitMix64) -> Int {
        switch self {
        case .fixed(let n): return n
        case .uniform(let r): return Int.random(in: r, using: &rng)
        case .normal(let mean, let sigma, let b): return Self.clamp(mean + sigma * Self.gaussian(&rng), b)
        case .lognormal(let mu, let sigma, let b): return Self.clamp(exp(mu + sigma * Self.gaussian(&rng)), b)
        case .empirical(let lengths, let cdf): return lengths[AdapterPicker.index(in: cdf, rng.nextUnit())]
        }
    }

    /// Every length it can give lies in this range (for the checks against the server's limits).
    public var range: ClosedRange<Int> {
        switch self {
        case .fixed(let n): return n...n
        case .uniform(let r): return r
        case .normal(_, _, let b), .lognormal(_, _, let b): return b
        case .empirical(let lengths, _): return lengths.min()!...lengths.max()!
        }
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    static func clamp(_ x: Double, _ b: ClosedRange<Int>) -> Int {
        guard x.isFinite else { return x > 0 ? b.upperBound : b.lowerBound }
        let r = x.rounded()
        if r <= Double(b.lowerBound) { return b.lowerBound }
        if r >= Double(b.upperBound) { return b.upperBound }
        return Int(r)
    }
}
