/// When open-model arrivals happen, as offsets from the window start: the seeded pacer, or a trace's own times.
protocol ArrivalTimes {
    /// Microseconds from the window's start to the next arrival; nil once there are no more.
    mutating func next() -> UInt64?
    /// The scenario stage an arrival at `elapsed` microseconds belongs to.
    func stage(atElapsed elapsed: UInt64) -> Int
}

extension ArrivalPacer: ArrivalTimes {
    func stage(atElapsed elapsed: UInt64) -> Int { rate.stage(atElapsed: elapsed) }
}
