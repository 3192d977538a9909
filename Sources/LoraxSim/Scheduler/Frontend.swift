import NIOCore

/// The gateway in front of the replicas: request ids, the global fault sequence, and routing each
/// request to the replica with the fewest requests in flight (ties rotate).
///
/// Why replicas: a real deployment behind the Predibase gateway may run several LoRAX replicas, and
/// one replica's batch writes all its token events at one instant; independent replicas spread those
/// bursts. Threading and `@unchecked Sendable` exactly as `Engine`: confined to `loop`.
final class Frontend: @unchecked Sendable {
    let loop: EventLoop
    let config: SimConfig
    let shared: SharedState
    let engines: [Engine]
    private var faults: FaultSequence
    private var idCounter: UInt64 = 0
    private var rotate = 0
    /// Answer keys (empty when none is configured); checked by `SimConfig.validate` before the server starts.
    let answers: AnswerBook

    init(loop: EventLoop, config: SimConfig) {
        self.loop = loop
        self.config = config
        let n = max(1, config.replicas)
        let shared = SharedState(config: config, replicas: n)
        self.shared = shared
        answers = config.answerKeys.flatMap { try? AnswerBook(keys: $0) } ?? .empty
        let format = ResponseFormat(modelId: config.modelId, extraWords: answers.extraWords)
        engines = (0..<n).map { Engine(loop: loop, config: config, shared: shared, format: format, index: $0) }
        faults = FaultSequence(faults: config.faults, seed: config.seed)
    }

    /// Starts every replica's timers.
    func start() { for e in engines { e.start() } }

    /// Stops every replica's timers.
    func stop() { for e in engines { e.stop() } }

    /// Clears ground truth, counters and the fault sequence (so `every` counts restart at 1).
    func reset() {
        loop.assertInEventLoop()
        shared.reset()
        faults.reset()
    }

    /// A fresh request id when the client sent no x-request-id.
    func nextRequestID() -> String {
        idCounter += 1
        return "sim-\(idCounter)"
    }

    /// Counts the request, draws its fault and hands it to the least-loaded replica.
    func handle(_ spec: GenerationSpec, sink: ResponseSink) -> SimRequest? {
        loop.assertInEventLoop()
        shared.countRequest()
        let fault = faults.next()
        var spec = spec
        if fault == .wrongAdapter { spec.servedAdapter = answers.other(than: spec.adapter, configured: config.wrongAdapterAs) }
        var best = engines[rotate % engines.count]
        for k in 1..<max(1, engines.count) {
            let e = engines[(rotate + k) % engines.count]
            if e.load < best.load { best = e }
        }
        rotate &+= 1
        return best.handle(spec, sink: sink, fault: fault, answers: answers)
    }

    /// The client of `req` went away.
    func drop(_ req: SimRequest) { req.engine?.drop(req) }
}
