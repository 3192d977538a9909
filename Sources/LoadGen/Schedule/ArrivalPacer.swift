import Foundation

/// When open-model arrivals happen: uniform, Poisson or gamma gaps under a constant or ramping rate, as a value
/// with no clock and no I/O (vegeta's `Pacer`), so the arrival maths is tested from a table of cases.
/// Gaps are drawn in units of "expected arrivals" and mapped through the rate's integral (time rescaling), so a
/// ramp changes the spacing continuously and a zero rate sends nothing.
struct ArrivalPacer: Sendable {
    let rate: StageSchedule
    let arrival: Scenario.Arrival
    private var rng: SplitMix64
    /// Position of the last arrival on the integral of the rate (in arrivals); nil before the first.
    private var position: Double?

    /// Arrivals per second over the window, for `load`; `seed` draws the gaps reproducibly.
    init(load: Scenario.Load, arrival: Scenario.Arrival, seed: UInt64) {
        switch load {
        case .constantArrivalRate(let r, let unit, let d, _, _):
            rate = StageSchedule(start: r / unit.seconds, stages: [.init(duration: d, target: r / unit.seconds)])
        case .rampingArrivalRate(let start, let unit, let stages, _, _):
            rate = StageSchedule(start: start / unit.seconds, stages: stages.map { .init(duration: $0.duration, target: $0.target / unit.seconds) })
        case .constantVUs, .rampingVUs:
            rate = StageSchedule(start: 0, stages: [])
        }
        self.arrival = arrival
        rng = SplitMix64(seed: seed, stream: 2, index: 0)
    }

    /// Microseconds from the window's start to the next arrival; nil once the schedule has ended.
    mutating func next() -> UInt64? {
        let step: Double
        switch arrival {
        case .uniform:
            // The first arrival opens the window when the rate starts above zero (k6 does the same).
            step = position == nil ? (rate.start > 0 ? 0 : 1) : 1
        case .poisson:
            step = -log(1 - rng.nextUnit())
        case .gamma(let shape):
            step = gammaSample(shape: shape) / shape
        }
        let p = (position ?? 0) + step
        position = p
        return rate.elapsed(atIntegral: p)
    }

    /// Marsaglia–Tsang gamma(shape, 1) sampling.
    private mutating func gammaSample(shape: Double) -> Double {
        if shape < 1 { return gammaSample(shape: shape + 1) * pow(max(rng.nextUnit(), 1e-300), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / sqrt(9 * d)
        while true {
            let u1 = max(rng.nextUnit(), 1e-300), u2 = rng.nextUnit()
            let x = sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
            let v = pow(1 + c * x, 3)
            if v <= 0 { continue }
            let u = rng.nextUnit()
            if log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }
}
