/// Where a run's prompts come from (random words, a dataset, a trace, shared prefixes, sessions), so
/// `RequestFactory` only assembles requests. A source decides per request as much as it knows (content, adapter,
/// max_new_tokens, expected answer, origin) and leaves the rest to the scenario through `draws`.
///
/// Seeds: `draws.rng` is request `slot.sequence`'s own seeded stream. The random-word source draws its length,
/// then `draws.maxNewTokens()`, then `draws.adapter()`, then its words, which is the order that keeps old seeds
/// giving byte-identical requests; any other source may draw in any order, or derive its own
/// `SplitMix64(seed:stream:index:)`. The factory draws whatever the source left nil after it returns.
public protocol PromptSource: Sendable {
    /// Request `slot`'s prompt. Called once per request, on the transport queue, in sequence order.
    func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt
}

/// Which request is being made: its place in the run and, for closed models, in its virtual user's life.
public struct RequestSlot: Sendable, Equatable {
    /// Order the run starts requests in (0-based); the seed's stream index.
    public var sequence: Int
    /// The virtual user (closed model) or slot (open model) sending it.
    public var vu: Int
    /// How many requests this VU sent before this one (0-based), so per-VU workloads (sessions) know the turn.
    public var vuIteration: Int
    /// The open model's arrival number (0-based, dropped arrivals included), so a trace source knows which line
    /// this arrival was; nil for closed models.
    public var arrival: Int?
    /// When the request was meant to start, in microseconds from the window's start (drifting adapter popularity).
    public var elapsedMicros: UInt64

    public init(sequence: Int, vu: Int = 0, vuIteration: Int = 0, arrival: Int? = nil, elapsedMicros: UInt64 = 0) {
        self.sequence = sequence; self.vu = vu; self.vuIteration = vuIteration; self.arrival = arrival
        self.elapsedMicros = elapsedMicros
    }
}

/// The scenario's own per-request choices, drawn from the request's seeded stream when the source asks for them.
public struct RequestDraws {
    /// Request `sequence`'s seeded stream (`SplitMix64(seed:, stream: 1, index: sequence)`).
    public var rng: SplitMix64
    let sequence: Int
    let elapsedMicros: UInt64
    let maxNew: LengthDistribution
    let adapters: AdapterPicker

    init(seed: UInt64, sequence: Int, elapsedMicros: UInt64 = 0, maxNew: LengthDistribution, adapters: AdapterPicker) {
        rng = SplitMix64(seed: seed, stream: 1, index: UInt64(sequence))
        self.sequence = sequence
        self.elapsedMicros = elapsedMicros
        self.maxNew = maxNew
        self.adapters = adapters
    }

    /// The scenario's `workload.output` or `max_new_tokens`.
    public mutating func maxNewTokens() -> Int { maxNew.sample(using: &rng) }

    /// An adapter from the scenario's mix ("" for the base model).
    public mutating func adapter() -> String { adapters.pick(sequence: sequence, rng: &rng, elapsedMicros: elapsedMicros) }

    /// An adapter from the scenario's mix for something other than this request (a session, a prefix group):
    /// drawn from `other` with `ordinal` standing in for the sequence (round-robin).
    public func adapter(ordinal: Int, using other: inout SplitMix64) -> String {
        adapters.pick(sequence: ordinal, rng: &other, elapsedMicros: elapsedMicros)
    }

    /// The scenario's adapter ids (empty: every request goes to the base model).
    public var adapterIds: [String] { adapters.adapters.ids }
}
