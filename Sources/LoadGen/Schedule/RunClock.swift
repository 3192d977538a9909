import Foundation
import Stats

/// The time source of the run's scheduling parts (executors, wake-ups, the driver), in monotonic microseconds;
/// tests pass a `ManualClock` so schedules are checked without sleeping.
public protocol RunClock: AnyObject, Sendable {
    func nowMicros() -> UInt64
}

/// CLOCK_MONOTONIC, the clock of every timestamp in a real run.
public final class SystemClock: RunClock {
    public init() {}

    @inline(__always)
    public func nowMicros() -> UInt64 { MonotonicClock.nowMicros() }
}

/// A clock that moves only when told to (tests).
public final class ManualClock: RunClock, @unchecked Sendable {  // @unchecked: `now` is guarded by `lock`.
    private let lock = NSLock()
    private var now: UInt64

    public init(startMicros: UInt64 = 1_000_000) { now = startMicros }

    public func nowMicros() -> UInt64 { lock.withLock { now } }

    /// Sets the time; it never moves backwards.
    public func set(_ micros: UInt64) { lock.withLock { now = max(now, micros) } }
}
