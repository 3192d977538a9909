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

/// A small, fast, seeded pseudo-random generator (SplitMix64).
///
/// Why: fault injection, token choice and EOS draws must be reproducible from `SimConfig.seed`.
/// A value type; each owner keeps its own copy (no sharing across threads).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}
