/// When one kind of fault fires: with a seeded probability per generation request, on every N-th
/// request, or both. In JSON a rule is the two flat keys `<kind>_rate` and `<kind>_every` under `faults`.
public struct FaultRule: Sendable, Equatable {
    /// The fault this rule injects.
    public let kind: SimFaultKind
    /// Probability per generation request, in [0, 1]; 0 = off.
    public var rate: Double
    /// Fires on every N-th generation request since start or reset; 0 = off.
    public var every: Int

    /// A rule for `kind`, off unless `rate` or `every` is given.
    public init(kind: SimFaultKind, rate: Double = 0, every: Int = 0) {
        self.kind = kind
        self.rate = rate
        self.every = every
    }

    /// The JSON key of `rate`, e.g. `stream_error_rate`.
    var rateKey: String { kind.rawValue + "_rate" }
    /// The JSON key of `every`, e.g. `stream_error_every`.
    var everyKey: String { kind.rawValue + "_every" }

    /// Whether this rule fires for the `n`-th generation request (counted from 1). An every-N hit
    /// fires without a draw; otherwise a positive rate takes one draw from `rng`.
    func fires(onRequest n: UInt64, rng: inout SplitMix64) -> Bool {
        (every > 0 && n % UInt64(every) == 0) || (rate > 0 && rng.unit() < rate)
    }
}
