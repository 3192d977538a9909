/// A piecewise-linear schedule over stages (k6 ramping semantics), in microseconds since the window's start:
/// VUs wanted (closed models) or arrivals per second (open models). Pure: no clock, no I/O.
struct StageSchedule: Sendable {
    let start: Double
    let stages: [Scenario.Stage]

    var totalMicros: UInt64 { UInt64(stages.reduce(Int64(0)) { $0 + $1.duration.microseconds }) }

    /// Index of the stage in force at `t` (the last one after the end): labels records of ramping runs.
    func stage(atElapsed t: UInt64) -> Int {
        var offset: UInt64 = 0
        for (i, s) in stages.enumerated() {
            offset += UInt64(s.duration.microseconds)
            if t < offset { return i }
        }
        return max(0, stages.count - 1)
    }

    func value(atElapsed t: UInt64) -> Double {
        var from = start
        var offset: UInt64 = 0
        for s in stages {
            let d = UInt64(s.duration.microseconds)
            if t < offset + d {
                return from + (s.target - from) * Double(t - offset) / Double(d)
            }
            offset += d
            from = s.target
        }
        return from
    }

    /// The elapsed time at which the schedule's integral (value × seconds: arrivals, for a rate) reaches `area`;
    /// nil when that is at or after the schedule's end. Arrivals placed at equal steps of the integral follow a ramp exactly,
    /// including one that starts from zero.
    func elapsed(atIntegral area: Double) -> UInt64? {
        guard area >= 0 else { return 0 }
        var from = start
        var offsetSeconds = 0.0
        var left = area
        for s in stages {
            let d = s.duration.seconds
            let stageArea = (from + s.target) / 2 * d
            if left <= stageArea && d > 0 {
                // Solve from·τ + k·τ² = left with k = (target − from) / (2d), in the form that stays exact as k → 0.
                let k = (s.target - from) / (2 * d)
                let root = (from * from + 4 * k * left).squareRoot()
                let tau = from + root > 0 ? 2 * left / (from + root) : 0
                let t = UInt64(((offsetSeconds + min(tau, d)) * 1_000_000).rounded())
                return t < totalMicros ? t : nil
            }
            left -= stageArea
            offsetSeconds += d
            from = s.target
        }
        return nil
    }
}
