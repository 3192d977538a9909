import Foundation

/// A 95 % confidence interval of one run's number, so `compare` can tell a change from sampling noise.
public struct SamplingInterval: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }

    /// The two-sided 95 % normal quantile, the one confidence level every interval here uses.
    public static let z = 1.959964

    /// True when the two intervals share no value: the difference is beyond what sampling noise explains.
    public func isDisjoint(from o: SamplingInterval) -> Bool { lower > o.upper || upper < o.lower }

    /// The distribution-free interval of a quantile read from the histogram itself (order statistics): the rank
    /// of the q-quantile among n independent samples is Binomial(n, q), so ranks nq ± z·√(nq(1−q)) bound it;
    /// `independent` is the number of independent units (fewer than the samples when they come in clusters);
    /// nil when those ranks run off either end of the data (too few samples to bound the quantile).
    public static func quantile(_ m: TrackedMetric, q: Double, independent: UInt64? = nil) -> SamplingInterval? {
        let n = m.count
        let units = Double(Swift.min(independent ?? n, n))
        guard n > 0, units >= 10, q > 0, q < 1 else { return nil }
        let half = z * (units * q * (1 - q)).squareRoot()
        let loRank = (units * q - half).rounded(.down), hiRank = (units * q + half).rounded(.up) + 1
        guard loRank >= 1, hiRank <= units else { return nil }
        func at(_ rank: Double) -> Double {
            let micros = m.histogram.percentile(Swift.min(100, 100 * rank / units))
            let clamped = Swift.min(Swift.max(micros, m.minMicros), m.maxMicros)
            return MetricSummary.ms(clamped)
        }
        return SamplingInterval(lower: at(loRank), upper: at(hiRank))
    }

    /// The interval of a mean from the histogram's standard deviation; nil under ten independent units.
    public static func mean(_ m: TrackedMetric, independent: UInt64? = nil) -> SamplingInterval? {
        let units = Double(Swift.min(independent ?? m.count, m.count))
        guard units >= 10 else { return nil }
        let s = m.summary, half = z * s.stddev / units.squareRoot()
        return SamplingInterval(lower: MetricSummary.round3(s.mean - half), upper: MetricSummary.round3(s.mean + half))
    }

    /// Wilson's interval of a proportion (sound at 0 and at 1, unlike the normal one); nil with no trials.
    public static func proportion(_ hits: Int, of trials: Int) -> SamplingInterval? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(hits) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        func r(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        return SamplingInterval(lower: r(Swift.max(0, centre - half)), upper: r(Swift.min(1, centre + half)))
    }

    /// The interval of a rate whose events arrive one request at a time: relative ±z/√requests (Poisson, which
    /// overstates the noise of a closed model, so it errs toward "no verdict"); nil under ten requests.
    public static func rate(_ value: Double, requests: Int) -> SamplingInterval? {
        guard requests >= 10 else { return nil }
        let half = value * z / Double(requests).squareRoot()
        return SamplingInterval(lower: MetricSummary.round3(Swift.max(0, value - half)), upper: MetricSummary.round3(value + half))
    }
}
