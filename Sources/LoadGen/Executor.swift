/// Decides WHEN requests start (closed VUs or open arrivals); the driver does the sending.
/// Threading: every method runs on the transport queue.
protocol Executor: AnyObject {
    /// Begins the schedule at monotonic time `startMicros`; `finished` runs once nothing more will be sent
    /// and nothing is in flight.
    func start(at startMicros: UInt64, finished: @escaping () -> Void)
    /// Stops starting requests; those in flight may finish.
    func stopIssuing()
    /// VUs in an iteration (closed) or requests in flight (open), for progress and timeseries.
    var activeVUs: Int { get }
    /// Arrivals that found every slot busy (open models).
    var dropped: Int { get }
}

/// A piecewise-linear schedule over stages (k6 ramping semantics), in microseconds.
struct StageSchedule {
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
}
