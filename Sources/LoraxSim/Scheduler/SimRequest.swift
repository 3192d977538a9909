/// One admitted generation request: its limits, progress, drawn fault and the connection it streams to.
///
/// Threading: engine-loop confined; the connection holds it only to report a disconnect.
final class SimRequest {
    /// Waiting for admission, in the batch, or finished (the record is written).
    enum State { case waiting, running, done }
    let spec: GenerationSpec
    let adapter: AdapterState
    /// Effective max_new_tokens (LoRAX's default when the client sent none).
    let maxNew: Int
    /// Tokens generated at most (`maxNew`, or the simulator's cap when the client sent none).
    let genLimit: Int
    /// The last token at `genLimit` is an EOS (no max_new_tokens sent) rather than a length stop.
    let eosAtLimit: Bool
    /// KV budget this request reserves in the batch: input + max_new_tokens.
    let reserve: Int
    /// Arrival number on its replica (part of its seed).
    let arrival: UInt64
    var state = State.waiting
    var admittedNanos: UInt64 = 0
    var firstTokenMicros: UInt64?
    var lastTokenMicros: UInt64?
    /// Every token's write time, when `recordTokenTimes` is on.
    var tokenMicros: [UInt64]?
    /// Indexes into the vocabulary of the words generated so far.
    var words: [UInt16] = []
    var generated = 0
    /// This request's own generator for words and EOS draws.
    var rng: SplitMix64
    var fault: SimFaultKind?
    /// A mid-stream fault happens once this many tokens were generated (⌊genLimit/2⌋).
    var faultAfter = 0
    var stallUntil: UInt64 = 0
    var stallDone = false
    /// It had to wait for its adapter to load.
    var cold = false
    /// Input tokens the prefix-cache model found cached at admission (nil when the model is off).
    var cachedTokens: Int?
    /// The answer-key words it says (vocabulary indexes), then EOS; nil draws words at random.
    var script: [UInt16]?
    /// Whether `script` is the right answer (ground truth for quality tests).
    var answerKeyRight: Bool?
    weak var sink: ResponseSink?
    /// The replica that owns this request.
    weak var engine: Engine?
    /// When the last bytes went to the stream (for keep-alives).
    var lastWriteNanos: UInt64

    init(spec: GenerationSpec, adapter: AdapterState, maxNew: Int, genLimit: Int, eosAtLimit: Bool, arrival: UInt64, seed: UInt64, recordTimes: Bool) {
        self.spec = spec
        self.adapter = adapter
        self.maxNew = maxNew
        self.genLimit = genLimit
        self.eosAtLimit = eosAtLimit
        self.reserve = spec.inputTokens + maxNew
        self.arrival = arrival
        rng = SplitMix64(seed: seed)
        lastWriteNanos = spec.receivedNanos
        if recordTimes { tokenMicros = [] }
        words.reserveCapacity(min(genLimit, 4096))
    }
}
