/// The gateway's fault draw: counts generation requests and asks every rule of the table, in
/// precedence order, whether it fires for the request; the first that does wins.
///
/// Threading: a plain value inside `Frontend`, engine-loop confined.
struct FaultSequence {
    private let rules: [FaultRule]
    private let seed: UInt64
    private var count: UInt64 = 0
    private var rng: SplitMix64

    /// The sequence of `faults`, its random draws seeded from the config's `seed`.
    init(faults: SimFaults, seed: UInt64) {
        rules = faults.rules
        self.seed = seed ^ 0xFA17
        rng = SplitMix64(seed: self.seed)
    }

    /// The fault of the next generation request, or nil.
    mutating func next() -> SimFaultKind? {
        count += 1
        var chosen: SimFaultKind?
        for rule in rules {
            // Every rule is asked even after one fired, so a rule's draws do not depend on whether an earlier rule fired.
            let hit = rule.fires(onRequest: count, rng: &rng)
            if hit && chosen == nil { chosen = rule.kind }
        }
        return chosen
    }

    /// Starts over as at start: `every` counts restart at 1 and the random draws repeat.
    mutating func reset() {
        count = 0
        rng = SplitMix64(seed: seed)
    }
}
