#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open-file limit (`RLIMIT_NOFILE`) checked before a run: every request in flight holds a socket, so a
/// scenario with more VUs than the soft limit allows would fail late with `EMFILE` as connect errors. Raising
/// the soft limit toward the hard limit is allowed without privileges; beyond the hard limit we refuse up front.
/// Call from the thread that starts the run, before any transfer exists (the limit is process-wide).
public enum FileLimit {
    /// Descriptors kept aside besides one per connection: stdio, result files, the health probe, DNS, logs.
    public static let reserve = 64

    /// Thrown when the hard limit is too low (or the soft limit cannot be raised); says the number needed.
    public struct Insufficient: Error, Sendable, Equatable, CustomStringConvertible {
        /// Descriptors the run needs (connections plus `reserve`).
        public var needed: Int
        /// The soft limit in force when the check ran.
        public var soft: Int
        /// The hard limit (`Int.max` for unlimited): the ceiling an unprivileged process may raise to.
        public var hard: Int
        /// Why raising failed, when the kernel refused (`strerror` text), else nil.
        public var reason: String?

        public var description: String {
            var s = "the run needs \(needed) open files (one per request in flight plus \(FileLimit.reserve)), "
                + "but the limit is \(soft) (hard limit \(hard == Int.max ? "unlimited" : String(hard)))"
            if let reason { s += "; raising it failed: \(reason)" }
            return s + ". Raise it with `ulimit -n \(needed)` (or in limits.conf / the service unit) or lower the VUs."
        }
    }

    /// The current soft and hard limits (`Int.max` for unlimited).
    public static func current() -> (soft: Int, hard: Int) {
        var rl = rlimit()
        guard getrlimit(resource, &rl) == 0 else { return (0, 0) }
        return (toInt(rl.rlim_cur), toInt(rl.rlim_max))
    }

    /// Makes sure `connections` sockets (plus `reserve`) can be open at once, raising the soft limit to what is
    /// needed when it is lower; returns the limits now in force, or throws `Insufficient` with the number needed.
    /// An in-process simulator holds the server side of each connection too: pass twice the in-flight count then.
    @discardableResult
    public static func ensure(forConnections connections: Int) throws -> (soft: Int, hard: Int) {
        let (sum, overflow) = max(connections, 0).addingReportingOverflow(reserve)
        let needed = overflow ? Int.max : sum
        var rl = rlimit()
        guard getrlimit(resource, &rl) == 0 else {
            throw Insufficient(needed: needed, soft: 0, hard: 0, reason: String(cString: strerror(errno)))
        }
        let soft = toInt(rl.rlim_cur), hard = toInt(rl.rlim_max)
        if !overflow && soft >= needed { return (soft, hard) }
        guard !overflow, hard >= needed else { throw Insufficient(needed: needed, soft: soft, hard: hard, reason: nil) }
        rl.rlim_cur = rlim_t(needed)
        guard setrlimit(resource, &rl) == 0 else {
            // Linux also caps the limit at fs.nr_open even when the hard limit says unlimited.
            throw Insufficient(needed: needed, soft: soft, hard: hard, reason: String(cString: strerror(errno)))
        }
        return current()
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    private static let infinity = rlim_t.max  // glibc's RLIM_INFINITY is ((rlim_t) -1), which Swift cannot import
    #else
    private static let resource = RLIMIT_NOFILE
    private static let infinity = RLIM_INFINITY
    #endif

    private static func toInt(_ v: rlim_t) -> Int {
        v == infinity || v > rlim_t(Int.max) ? Int.max : Int(v)
    }
}
