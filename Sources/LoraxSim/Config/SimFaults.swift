/// Fault injection settings: one `FaultRule` per fault kind, in precedence order, and the stall length.
///
/// Why: the load generator must prove it classifies every failure a real gateway produces.
/// In JSON the rules are flat keys under `faults`: `<kind>_rate` and `<kind>_every` for every
/// `SimFaultKind` (e.g. `stream_error_rate`, `stall_every`), and `stall_ms`. A value type.
public struct SimFaults: Codable, Sendable, Equatable {
    /// One rule per kind in `SimFaultKind.allCases` order, which is the precedence: when several fire for one request, the first wins.
    public private(set) var rules: [FaultRule] = SimFaultKind.allCases.map { FaultRule(kind: $0) }
    /// Length of a stall.
    public var stallMs: Double = 2000

    /// No faults.
    public init() {}

    /// The rule of one kind; set its rate or period through it: `faults[.stall].every = 3`.
    public subscript(kind: SimFaultKind) -> FaultRule {
        get { rules.first { $0.kind == kind } ?? FaultRule(kind: kind) }
        set {
            guard let i = rules.firstIndex(where: { $0.kind == kind }) else { return }
            rules[i].rate = newValue.rate
            rules[i].every = newValue.every
        }
    }

    /// Every JSON key of the `faults` object, in encoding order.
    static var keys: [String] { SimFaults().rules.flatMap { [$0.rateKey, $0.everyKey] } + [stallMsKey] }

    /// The JSON key of `stallMs`.
    static let stallMsKey = "stall_ms"

    /// A JSON key of the `faults` object.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the flat keys; each one is required (`SimConfig.decode` fills absent ones from the profile).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for i in rules.indices {
            rules[i].rate = try c.decode(Double.self, forKey: Key(rules[i].rateKey))
            rules[i].every = try c.decode(Int.self, forKey: Key(rules[i].everyKey))
        }
        stallMs = try c.decode(Double.self, forKey: Key(Self.stallMsKey))
    }

    /// Encodes the flat keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for r in rules {
            try c.encode(r.rate, forKey: Key(r.rateKey))
            try c.encode(r.every, forKey: Key(r.everyKey))
        }
        try c.encode(stallMs, forKey: Key(Self.stallMsKey))
    }
}
