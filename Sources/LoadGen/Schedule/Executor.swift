/// Decides WHEN requests start (closed VUs or open arrivals); the sender does the sending.
/// Threading: every method runs on the transport queue.
protocol Executor: AnyObject {
    /// Begins the schedule at monotonic time `startMicros`; `finished` runs once nothing more will be sent
    /// and nothing is in flight.
    func start(at startMicros: UInt64, finished: @escaping () -> Void)
    /// Stops starting requests; those in flight may finish.
    func stopIssuing()
    /// The schedule reached its end at `endMicros`: what was due by then is still started, nothing after.
    func endSchedule(at endMicros: UInt64)
    /// Arrivals still waiting for a slot are dropped (the run is being cut off).
    func dropWaiting()
    /// VUs in an iteration (closed) or requests in flight (open), for progress and timeseries.
    var activeVUs: Int { get }
    /// Arrivals that found every slot busy (open models).
    var dropped: Int { get }
}

/// What an executor asks of the transport side: start one request now, and how many are in flight.
/// `LoadDriver` is the real one; tests pass a recorder that completes requests when they say.
protocol RequestSending: AnyObject {
    /// Sends the run's next request for `vu`; `done` runs once it has ended and been recorded, saying whether it failed.
    func send(vu: Int, intendedMicros: UInt64, stage: Int, done: @escaping (_ failed: Bool) -> Void)
    /// As above, for the open model's arrival number `arrival` (counting dropped arrivals), so a trace's line is known.
    func send(vu: Int, intendedMicros: UInt64, stage: Int, arrival: Int?, done: @escaping (_ failed: Bool) -> Void)
    var inFlight: Int { get }
}

extension RequestSending {
    /// Senders that do not care which arrival a request is.
    func send(vu: Int, intendedMicros: UInt64, stage: Int, arrival: Int?, done: @escaping (_ failed: Bool) -> Void) {
        send(vu: vu, intendedMicros: intendedMicros, stage: stage, done: done)
    }
}

/// Timed wake-ups at monotonic microseconds; `WakeQueue` is the real one, on a dispatch timer.
protocol WakeScheduling: AnyObject {
    /// Runs `action` at `at` (or at once if that has passed).
    func schedule(at: UInt64, _ action: @escaping () -> Void)
    /// Drops every pending wake-up of this scheduler (and only this one).
    func cancelAll()
}
