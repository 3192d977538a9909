extension RunSummary {
    /// How long lorabench's event loops were ready to run but waited for a CPU during the window (the kernel's run
    /// delay). Bytes that arrived meanwhile were stamped late by as much, so a large wait qualifies every latency.
    public struct CPUWait: Codable, Sendable, Equatable {
        /// "event loop" (the loops' own threads) or "process" (every thread: a dispatch-queue loop has none of its own).
        public var scope: String
        public var totalMs: Double
        /// The most waited in one second of the window.
        public var worstSecondMs: Double
        /// Seconds in which the wait passed `starvedSecondMs` (the client was starved).
        public var starvedSeconds: Int
        /// A second whose wait passes this (2 % of it) counts as starved: the quick start, with the simulator's threads
        /// in the same process on a quiet 2-core VM, waited up to 9.3 ms in a second; a CPU-bound vLLM beside it, 1.2 s.
        public static let starvedSecondMs = 20
        /// Seconds sampled.
        public var seconds: Int

        public init(scope: String, totalMs: Double, worstSecondMs: Double, starvedSeconds: Int, seconds: Int) {
            self.scope = scope; self.totalMs = totalMs; self.worstSecondMs = worstSecondMs
            self.starvedSeconds = starvedSeconds; self.seconds = seconds
        }

        enum CodingKeys: String, CodingKey {
            case scope, seconds
            case totalMs = "total_ms", worstSecondMs = "worst_second_ms", starvedSeconds = "starved_seconds"
        }

        /// Several processes' waits as one (a merge of segments): totals and seconds add up, the worst second is the
        /// worst of any process. nil when no part says.
        public static func merged(_ parts: [CPUWait]) -> CPUWait? {
            guard let first = parts.first else { return nil }
            return CPUWait(scope: parts.allSatisfy { $0.scope == first.scope } ? first.scope : "process",
                           totalMs: parts.reduce(0) { $0 + $1.totalMs }, worstSecondMs: parts.map(\.worstSecondMs).max() ?? 0,
                           starvedSeconds: parts.reduce(0) { $0.plusSaturating($1.starvedSeconds) },
                           seconds: parts.reduce(0) { $0.plusSaturating($1.seconds) })
        }

        /// The line a user must see when the client itself was starved, nil when it was not.
        public var warning: String? {
            guard starvedSeconds > 0 else { return nil }
            return "warning: lorabench's \(scope) waited \(Self.text(totalMs)) for a CPU in this window (worst second: "
                + "\(Self.text(worstSecondMs)), \(starvedSeconds) of \(seconds) s over \(Self.starvedSecondMs) ms): bytes that arrived meanwhile "
                + "were stamped late by up to that, so latencies include the client's own wait; give lorabench a core of "
                + "its own (taskset -c) or another machine"
        }

        private static func text(_ ms: Double) -> String {
            ms >= 1000 ? "\((ms / 10).rounded() / 100) s" : "\((ms * 10).rounded() / 10) ms"
        }
    }
}
