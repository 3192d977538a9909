#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in microseconds: the one clock every timestamp in a run uses (the simulator uses it too,
/// so client and server times compare directly, even across processes on one machine).
public enum MonotonicClock {
    @inline(__always)
    public static func nowMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000 &+ UInt64(ts.tv_nsec) / 1000
    }
}
