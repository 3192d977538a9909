#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in microseconds from `clock_gettime(CLOCK_MONOTONIC)`.
///
/// Why: the load generator stamps its own events with the same clock, so server ground truth and
/// client measurements compare directly, even across processes on one machine. Thread-safe.
public func simMonotonicMicros() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000 &+ UInt64(ts.tv_nsec) / 1_000
}

/// Monotonic time in nanoseconds (same clock as `simMonotonicMicros`); used to plan engine steps.
@inline(__always)
func monoNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
