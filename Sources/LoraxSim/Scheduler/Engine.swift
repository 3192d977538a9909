import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the engine needs from a connection. Called only on the engine's event loop.
protocol ResponseSink: AnyObject {
    /// Sends the 200 head of an SSE response.
    func sinkStartStream(headers: HTTPHeaders)
    /// Writes and flushes one body chunk.
    func sinkWrite(_ buffer: ByteBuffer)
    /// Writes and flushes bytes already framed as a chunk, bypassing the HTTP pipeline (the per-token path).
    func sinkWriteFramed(_ buffer: ByteBuffer)
    /// Ends the chunked body; the connection stays open for reuse.
    func sinkEnd()
    /// Sends a complete (non-stream) response.
    func sinkRespond(status: HTTPResponseStatus, headers: HTTPHeaders, body: String)
    /// Aborts the connection with a TCP reset.
    func sinkReset()
    /// Closes the connection without a response.
    func sinkClose()
}

/// A validated-or-not generation request, as parsed by the HTTP layer.
struct GenerationSpec {
    var id: String
    var route: String
    var flavor: Flavor
    var stream: Bool
    /// POST / or /invocations with stream=false answers `[ {...} ]`.
    var compatArray: Bool
    var adapter: String
    var inputTokens: Int
    var inputChars: Int
    /// nil when the client sent none.
    var maxNewTokens: Int?
    var details: Bool
    var inputsEmpty: Bool
    /// A stream-only rejection (best_of, decoder_input_details), already worded.
    var streamRejection: String?
    var receivedNanos: UInt64
}

/// One adapter's place in the simulated LoRAX scheduler. Engine-loop confined.
final class AdapterState {
    enum Status { case inactive, pending, loading, ready }
    let name: String
    var isBase: Bool { name.isEmpty }
    var status: Status
    var queued = 0
    var inBatch = 0
    var activatedAt: UInt64 = 0

    init(name: String) {
        self.name = name
        status = name.isEmpty ? .ready : .inactive
    }
}

/// One admitted generation request. Engine-loop confined.
final class SimRequest {
    enum State { case waiting, running, done }
    let spec: GenerationSpec
    let adapter: AdapterState
    let maxNew: Int
    let genLimit: Int
    let eosAtLimit: Bool
    let reserve: Int
    let arrival: UInt64
    var state = State.waiting
    var admittedNanos: UInt64 = 0
    var firstTokenMicros: UInt64?
    var lastTokenMicros: UInt64?
    var tokenMicros: [UInt64]?
    var words: [UInt16] = []
    var generated = 0
    var rng: SplitMix64
    var fault: SimFaultKind?
    var faultAfter = 0
    var stallUntil: UInt64 = 0
    var stallDone = false
    var cold = false
    weak var sink: ResponseSink?
    /// The replica that owns this request.
    weak var engine: Engine?
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

/// The simulated LoRAX engine: queue, adapter scheduler, serial loader and continuous batching.
///
/// Threading: every method must be called on `loop` (asserted in debug builds); HTTP handlers of
/// all connections run on the same loop, so engine state and stream writes never cross threads.
/// `@unchecked Sendable` only so that `@Sendable` NIO task closures can capture it; those closures
/// always run on `loop`, which is the confinement that makes this safe. Readers on other threads go
/// through `SharedState`, which has its own lock.
final class Engine: @unchecked Sendable {
    let loop: EventLoop
    let config: SimConfig
    let shared: SharedState
    let vocab = Vocab()

    private var adapters: [String: AdapterState] = [:]
    private let baseAdapter = AdapterState(name: "")
    private var pending: [AdapterState] = []
    private var readyAdapters: [AdapterState] = []  // non-base, in activation order
    private var loaderQueue: [AdapterState] = []
    private var loaderBusy = false
    private var loading: AdapterState?
    private var activeCount = 0

    private var waiting: [SimRequest] = []
    private var waitingLive = 0
    private var batch: [SimRequest] = []
    private var runningCount = 0
    private var batchTokens = 0
    private var distinctAdapters = 0
    private var inFlight = 0
    private var stepScheduled = false
    private var plannedEnd: UInt64 = 0
    private var stepHadPrefill = false
    private var arrivals: UInt64 = 0
    private var live: [ObjectIdentifier: SimRequest] = [:]
    private var errScratch: [UInt64] = []
    private var sweepTask: RepeatedTask?
    private var stopped = false
    private var jitterRng: SplitMix64
    private let traceSteps = getenv("LORAXSIM_TRACE") != nil

    private let keepAliveNanos: UInt64
    private let stallNanos: UInt64
    private static let keepAliveComment = Vocab.chunkFramed(":\n\n")
    private static let brokenEvent = ByteBuffer(string: "data: {broken\n\n")

    /// This engine's index among the replicas (gauges are kept per replica).
    let index: Int

    init(loop: EventLoop, config: SimConfig, shared: SharedState, index: Int) {
        self.loop = loop
        self.config = config
        self.shared = shared
        self.index = index
        jitterRng = SplitMix64(seed: config.seed ^ (0x7177 &+ UInt64(index)))
        keepAliveNanos = UInt64(config.keepAliveSeconds * 1e9)
        stallNanos = UInt64(config.faults.stallMs * 1e6)
        adapters[""] = baseAdapter
    }

    /// Starts the keep-alive sweep (one repeating task for all streams, not a timer per stream).
    func start() {
        loop.assertInEventLoop()
        let period = max(0.005, min(1.0, config.keepAliveSeconds / 4))
        sweepTask = loop.scheduleRepeatedTask(initialDelay: .nanoseconds(Int64(period * 1e9)), delay: .nanoseconds(Int64(period * 1e9))) { [self] _ in
            self.sweepKeepAlives()
        }
    }

    /// Stops timers; in-flight requests are abandoned (their connections are closed by shutdown).
    func stop() {
        loop.assertInEventLoop()
        stopped = true
        sweepTask?.cancel()
        sweepTask = nil
    }

    // MARK: admission

    /// Requests queued or running on this replica.
    var load: Int { inFlight }

    /// Handles a parsed generation request end to end: the drawn fault, overload, validation, queueing.
    @discardableResult
    func handle(_ spec: GenerationSpec, sink: ResponseSink, fault: SimFaultKind?) -> SimRequest? {
        loop.assertInEventLoop()
        arrivals += 1
        if fault == .httpError {
            var h = baseHeaders(spec)
            h.add(name: "content-type", value: "application/json")
            // Ground truth is recorded before the bytes go out, so a client that saw the end also sees the record.
            record(spec: spec, maxNew: spec.maxNewTokens ?? 0, status: 503, errorType: "unavailable", fault: .httpError, failure: "generation")
            sink.sinkRespond(status: .serviceUnavailable, headers: h,
                             body: LoraxError.json("Service Unavailable: simulated fault", "unavailable"))
            return nil
        }
        if inFlight >= config.maxConcurrentRequests {
            reject(spec, sink: sink, status: .tooManyRequests, message: LoraxError.overloaded, type: "overloaded", failure: "overloaded")
            return nil
        }
        // LoRAX validation, in LoRAX's order.
        var message: String?
        var maxNew = spec.maxNewTokens ?? 0
        if let r = spec.streamRejection, spec.stream {
            message = r
        } else if spec.inputsEmpty {
            message = "`inputs` cannot be empty"
        } else if spec.maxNewTokens == 0 {
            message = "`max_new_tokens` must be strictly positive"
        } else if let n = spec.maxNewTokens, spec.inputTokens + n > config.maxTotalTokens {
            message = "`inputs` tokens + `max_new_tokens` must be <= \(config.maxTotalTokens). Given: \(spec.inputTokens) `inputs` tokens and \(n) `max_new_tokens`"
        } else if spec.inputTokens > config.maxInputLength {
            message = "`inputs` must have less than \(config.maxInputLength) tokens. Given: \(spec.inputTokens)"
        } else if spec.maxNewTokens == nil {
            maxNew = max(1, config.maxTotalTokens - spec.inputTokens)
        }
        if let m = message {
            reject(spec, sink: sink, status: .unprocessableEntity, message: "Input validation error: " + m, type: "validation", failure: "validation")
            return nil
        }
        let capped = spec.maxNewTokens == nil && maxNew > config.unsetMaxNewTokensCap
        let genLimit = capped ? config.unsetMaxNewTokensCap : maxNew
        let req = SimRequest(spec: spec, adapter: adapter(named: spec.adapter), maxNew: maxNew, genLimit: genLimit,
                             eosAtLimit: capped || spec.maxNewTokens == nil, arrival: arrivals,
                             seed: config.seed &+ UInt64(index) &* 0x5851_F42D &+ arrivals &* 0x9E37_79B9, recordTimes: config.recordTokenTimes)
        req.engine = self
        req.sink = sink
        req.fault = fault
        req.faultAfter = genLimit / 2
        inFlight += 1
        if spec.stream {
            sink.sinkStartStream(headers: streamHeaders(spec))
            live[ObjectIdentifier(req)] = req
        }
        let a = req.adapter
        a.queued += 1
        if a.status != .ready {
            req.cold = true
            if a.status == .inactive {
                a.status = .pending
                pending.append(a)
            }
        }
        waiting.append(req)
        waitingLive += 1
        updateAdapters(now: monoNanos())
        kick()
        return req
    }

    /// The connection of `req` went away: remove it from the queue or batch (`dropped`).
    func drop(_ req: SimRequest) {
        loop.assertInEventLoop()
        guard req.state != .done else { return }
        leave(req)
        finishRecord(req, status: 499, errorType: nil, finish: nil, failure: "dropped")
    }

    private func adapter(named name: String) -> AdapterState {
        if let a = adapters[name] { return a }
        let a = AdapterState(name: name)
        adapters[name] = a
        return a
    }

    private func reject(_ spec: GenerationSpec, sink: ResponseSink, status: HTTPResponseStatus, message: String, type: String, failure: String) {
        if spec.stream {
            record(spec: spec, maxNew: spec.maxNewTokens ?? 0, status: 200, errorType: type, fault: nil, failure: failure)
            sink.sinkStartStream(headers: streamHeaders(spec))
            sink.sinkWrite(ByteBuffer(string: LoraxError.event(message, type)))
            sink.sinkEnd()
        } else {
            var h = baseHeaders(spec)
            h.add(name: "content-type", value: "application/json")
            record(spec: spec, maxNew: spec.maxNewTokens ?? 0, status: Int(status.code), errorType: type, fault: nil, failure: failure)
            sink.sinkRespond(status: status, headers: h, body: LoraxError.json(message, type))
        }
    }

    private func record(spec: GenerationSpec, maxNew: Int, status: Int, errorType: String?, fault: SimFaultKind?, failure: String) {
        let r = SimRequestRecord(id: spec.id, route: spec.route, adapter: spec.adapter, inputTokens: spec.inputTokens,
                                 maxNewTokens: maxNew, receivedMicros: spec.receivedNanos / 1000, admittedMicros: nil,
                                 firstTokenMicros: nil, lastTokenMicros: nil, tokenMicros: nil, outputTokens: 0, cold: false,
                                 fault: fault?.rawValue, status: status, errorType: errorType, finishReason: nil)
        shared.finish(r, success: false, failureLabel: failure, queueSeconds: nil, inferenceSeconds: nil,
                      totalSeconds: Double(monoNanos() &- spec.receivedNanos) / 1e9)
    }

    // MARK: adapters

    private func updateAdapters(now: UInt64) {
        guard !pending.isEmpty else { return }
        do {
            // Offload idle adapters (nothing queued, not in the batch) while others wait for a slot.
            var i = 0
            while i < readyAdapters.count && config.maxActiveAdapters - activeCount < pending.count {
                let a = readyAdapters[i]
                if a.queued == 0 && a.inBatch == 0 {
                    readyAdapters.remove(at: i)
                    a.status = .inactive
                    activeCount -= 1
                    shared.adapterEvicted()
                } else {
                    i += 1
                }
            }
            // Time slice: the oldest-activated adapter past its cycle time, not in the batch, is swapped out.
            if activeCount >= config.maxActiveAdapters {
                let cycle = UInt64(config.adapterCycleTimeMs * 1e6)
                if let idx = readyAdapters.firstIndex(where: { $0.inBatch == 0 && now &- $0.activatedAt > cycle }) {
                    let a = readyAdapters.remove(at: idx)
                    activeCount -= 1
                    shared.adapterEvicted()
                    if a.queued > 0 {
                        a.status = .pending
                        pending.append(a)
                        for r in waiting where r.adapter === a && r.state == .waiting { r.cold = true }
                    } else {
                        a.status = .inactive
                    }
                }
            }
        }
        while !pending.isEmpty && activeCount < config.maxActiveAdapters {
            let a = pending.removeFirst()
            if a.queued == 0 {  // everyone waiting for it left
                a.status = .inactive
                continue
            }
            a.status = .loading
            activeCount += 1
            loaderQueue.append(a)
        }
        runLoader()
    }

    /// One serial loader: cold adapters load one after another, `adapterLoadMs` each.
    private func runLoader() {
        guard !loaderBusy, !loaderQueue.isEmpty, !stopped else { return }
        loaderBusy = true
        loading = loaderQueue.removeFirst()
        loop.scheduleTask(in: .nanoseconds(Int64(config.adapterLoadMs * 1e6))) { [self] in
            guard let a = self.loading else { return }
            self.loading = nil
            self.loaderBusy = false
            a.status = .ready
            a.activatedAt = monoNanos()
            self.readyAdapters.append(a)
            self.shared.adapterLoaded()
            self.updateAdapters(now: a.activatedAt)
            self.runLoader()
            self.kick()
        }
    }

    // MARK: batching

    /// Starts a step now if the engine is idle.
    private func kick() {
        guard !stepScheduled, !stopped else { return }
        startStep(at: monoNanos())
    }

    private func startStep(at start: UInt64) {
        updateAdapters(now: start)
        var admitted = 0
        var prefillTokens = 0
        if waitingLive > 0 && runningCount < config.maxBatchSize {
            var keep: [SimRequest] = []
            keep.reserveCapacity(waiting.count)
            var blocked = false
            for r in waiting {
                guard r.state == .waiting else { continue }
                if !blocked && r.adapter.status == .ready {
                    let fits = runningCount < config.maxBatchSize
                        && (batchTokens + r.reserve <= config.maxBatchTotalTokens || runningCount == 0)
                    if fits {
                        join(r, at: start)
                        admitted += 1
                        prefillTokens += r.spec.inputTokens
                        continue
                    }
                    blocked = true  // FCFS: the oldest ready head does not fit, nobody overtakes it
                }
                keep.append(r)
            }
            waiting = keep
        }
        if runningCount == 0 {
            stepScheduled = false
            shared.gauges(index, ReplicaGauges(inFlight: inFlight, queued: waitingLive, batch: 0, loaded: readyAdapters.count))
            return
        }
        var costMs = config.decodeBaseMs + config.decodePerSequenceMs * Double(runningCount)
            + config.decodePerAdapterMs * Double(distinctAdapters)
        if admitted > 0 { costMs += config.prefillBaseMs + config.prefillPerTokenMs * Double(prefillTokens) }
        if config.stepJitter > 0 { costMs *= 1 + config.stepJitter * (2 * jitterRng.unit() - 1) }
        stepHadPrefill = admitted > 0
        plannedEnd = start &+ UInt64(max(0, costMs) * 1e6)
        stepScheduled = true
        let delta = Int64(bitPattern: plannedEnd &- monoNanos()) - Int64(config.timerLeadMicros) * 1000
        loop.scheduleTask(deadline: .now() + .nanoseconds(delta)) { [self] in
            self.endStep()
        }
    }

    private func join(_ r: SimRequest, at start: UInt64) {
        r.state = .running
        r.admittedNanos = start
        waitingLive -= 1
        r.adapter.queued -= 1
        if !r.adapter.isBase {
            if r.adapter.inBatch == 0 { distinctAdapters += 1 }
        }
        r.adapter.inBatch += 1
        batchTokens += r.reserve
        runningCount += 1
        batch.append(r)
    }

    /// Takes `r` out of the queue or the batch, with all accounting.
    private func leave(_ r: SimRequest) {
        switch r.state {
        case .waiting:
            waitingLive -= 1
            r.adapter.queued -= 1
        case .running:
            r.adapter.inBatch -= 1
            if !r.adapter.isBase && r.adapter.inBatch == 0 { distinctAdapters -= 1 }
            batchTokens -= r.reserve
            runningCount -= 1
        case .done:
            return
        }
        r.state = .done
        inFlight -= 1
        live.removeValue(forKey: ObjectIdentifier(r))
    }

    private func endStep() {
        guard !stopped else { stepScheduled = false; return }
        let planned = plannedEnd
        var fired = monoNanos()
        // Woken early on purpose (timerLeadMicros): spin to the planned instant.
        while fired < planned && config.timerLeadMicros > 0 { fired = monoNanos() }
        errScratch.removeAll(keepingCapacity: true)
        var tokens = 0
        var anyDone = false
        for r in batch {
            guard r.state == .running else { anyDone = true; continue }
            if emit(r, planned: planned) { tokens += 1 }
            if r.state == .done { anyDone = true }
        }
        if anyDone { batch.removeAll(where: { $0.state == .done }) }
        errScratch.withUnsafeBufferPointer { buf in
            shared.stepDone(index, lateness: fired > planned ? (fired - planned) / 1000 : 0, tokens: tokens, schedErrors: buf, prefill: stepHadPrefill,
                            gauges: ReplicaGauges(inFlight: inFlight, queued: waitingLive, batch: runningCount, loaded: readyAdapters.count, batchTokens: batchTokens))
        }
        if traceSteps { let e = monoNanos(); print("STEP planned=\(planned/1000) late_us=\((fired &- planned)/1000) proc_us=\((e - fired)/1000) batch=\(runningCount) waiting=\(waitingLive)") }
        // The next step starts when this one was planned to end, so lateness never accumulates.
        startStep(at: planned)
    }

    /// Produces this step's token for `r`; returns true when a token event was written/generated.
    private func emit(_ r: SimRequest, planned: UInt64) -> Bool {
        if r.stallUntil > planned { return false }
        if let f = r.fault, r.generated == r.faultAfter {
            switch f {
            case .stall:
                if !r.stallDone {
                    r.stallDone = true
                    r.stallUntil = planned &+ stallNanos
                    if stallNanos > 0 { return false }
                }
            case .streamError, .disconnect, .incomplete, .malformed:
                finishFault(r, f)
                return false
            case .httpError:
                break
            }
        }
        r.generated += 1
        let eos = (config.eosProbability > 0 && r.rng.unit() < config.eosProbability)
            || (r.generated >= r.genLimit && r.eosAtLimit)
        let final = eos || r.generated >= r.genLimit
        var wordIndex = -1
        if !eos {
            wordIndex = Int(r.rng.next() % UInt64(vocab.words.count))
            r.words.append(UInt16(wordIndex))
        }
        let t = monoNanos()
        errScratch.append(t > planned ? (t - planned) / 1000 : 0)
        let micros = t / 1000
        if r.firstTokenMicros == nil { r.firstTokenMicros = micros }
        r.lastTokenMicros = micros
        r.tokenMicros?.append(micros)
        let reason = eos ? "eos_token" : "length"
        if final {
            leave(r)
            finishRecord(r, status: 200, errorType: nil, finish: reason, failure: nil)
        }
        if r.spec.stream {
            r.lastWriteNanos = t
            if final {
                r.sink?.sinkWrite(ByteBuffer(string: finalEvent(r, eos: eos, lastWord: wordIndex)))
                r.sink?.sinkEnd()
            } else {
                switch r.spec.flavor {
                case .native: r.sink?.sinkWriteFramed(vocab.nativeEvents[wordIndex])
                case .chat: r.sink?.sinkWriteFramed(vocab.chatEvents[wordIndex])
                case .completions: r.sink?.sinkWriteFramed(vocab.completionEvents[wordIndex])
                }
            }
        }
        if final && !r.spec.stream {
            r.sink?.sinkRespond(status: .ok, headers: fullHeaders(r, now: t), body: fullBody(r, finish: reason, eos: eos))
        }
        return true
    }

    private func finishFault(_ r: SimRequest, _ f: SimFaultKind) {
        let errorType: String? = f == .streamError ? "generation" : nil
        let status: Int
        switch (r.spec.stream, f) {
        case (false, .streamError): status = 424
        case (false, .disconnect), (false, .incomplete): status = 0
        default: status = 200
        }
        leave(r)
        finishRecord(r, status: status, errorType: errorType, finish: nil, failure: "generation")
        if r.spec.stream {
            switch f {
            case .streamError:
                r.sink?.sinkWrite(ByteBuffer(string: LoraxError.event(LoraxError.generationFault, "generation")))
                r.sink?.sinkEnd()
            case .disconnect: r.sink?.sinkReset()
            case .incomplete: r.sink?.sinkEnd()
            case .malformed:
                r.sink?.sinkWrite(Engine.brokenEvent)
                r.sink?.sinkEnd()
            default: break
            }
        } else {
            switch f {
            case .streamError:
                var h = baseHeaders(r.spec)
                h.add(name: "content-type", value: "application/json")
                r.sink?.sinkRespond(status: .failedDependency, headers: h, body: LoraxError.json(LoraxError.generationFault, "generation"))
            case .disconnect: r.sink?.sinkReset()
            case .incomplete: r.sink?.sinkClose()
            case .malformed:
                var h = baseHeaders(r.spec)
                h.add(name: "content-type", value: "application/json")
                r.sink?.sinkRespond(status: .ok, headers: h, body: "{broken")
            default: break
            }
        }
    }

    private func finishRecord(_ r: SimRequest, status: Int, errorType: String?, finish: String?, failure: String?) {
        let now = monoNanos()
        let admitted = r.admittedNanos > 0 ? r.admittedNanos : nil
        let rec = SimRequestRecord(
            id: r.spec.id, route: r.spec.route, adapter: r.spec.adapter, inputTokens: r.spec.inputTokens, maxNewTokens: r.maxNew,
            receivedMicros: r.spec.receivedNanos / 1000, admittedMicros: admitted.map { $0 / 1000 },
            firstTokenMicros: r.firstTokenMicros, lastTokenMicros: r.lastTokenMicros, tokenMicros: r.tokenMicros,
            outputTokens: r.generated, cold: r.cold, fault: r.fault?.rawValue, status: status, errorType: errorType, finishReason: finish)
        let queue = admitted.map { Double($0 &- r.spec.receivedNanos) / 1e9 }
        let inference = admitted.map { Double(now &- $0) / 1e9 }
        shared.finish(rec, success: failure == nil, failureLabel: failure, queueSeconds: queue, inferenceSeconds: inference,
                      totalSeconds: Double(now &- r.spec.receivedNanos) / 1e9)
    }

    // MARK: keep-alive

    private func sweepKeepAlives() {
        guard !live.isEmpty else { return }
        let now = monoNanos()
        var n = 0
        for r in live.values where now &- r.lastWriteNanos >= keepAliveNanos {
            r.lastWriteNanos = now
            r.sink?.sinkWriteFramed(Engine.keepAliveComment)
            n += 1
        }
        if n > 0 { shared.keepAlives(n) }
    }

    // MARK: bytes

    private func generatedTextEscaped(_ r: SimRequest) -> String {
        var s = ""
        s.reserveCapacity(r.words.count * 6)
        for w in r.words { s += vocab.words[Int(w)].escaped }
        return s
    }

    private func finalEvent(_ r: SimRequest, eos: Bool, lastWord: Int) -> String {
        let text = generatedTextEscaped(r)
        switch r.spec.flavor {
        case .native:
            let token = eos ? Vocab.eosTokenJSON : Vocab.tokenJSON(vocab.words[lastWord])
            var s = "data: {\"token\":\(token),\"generated_text\":\"\(text)\",\"details\":"
            if r.spec.details {
                s += "{\"finish_reason\":\"\(eos ? "eos_token" : "length")\",\"prompt_tokens\":\(r.spec.inputTokens),\"generated_tokens\":\(r.generated),\"seed\":null}"
            } else {
                s += "null"
            }
            return s + "}\n\n"
        case .chat:
            let content = eos ? nil : vocab.words[lastWord].escaped
            return "data: " + Vocab.chatChunk(content: content, finish: eos ? "stop" : "length", usage: (r.spec.inputTokens, r.generated))
                + "\n\ndata: [DONE]\n\n"
        case .completions:
            let t = eos ? "" : vocab.words[lastWord].escaped
            return "data: " + Vocab.completionChunk(text: t, finish: eos ? "stop" : "length", usage: (r.spec.inputTokens, r.generated))
                + "\n\ndata: [DONE]\n\n"
        }
    }

    private func fullBody(_ r: SimRequest, finish: String, eos: Bool) -> String {
        let text = generatedTextEscaped(r)
        switch r.spec.flavor {
        case .native:
            var s = "{\"generated_text\":\"\(text)\""
            if r.spec.details {
                s += ",\"details\":{\"finish_reason\":\"\(finish)\",\"prompt_tokens\":\(r.spec.inputTokens),\"generated_tokens\":\(r.generated),\"skipped_tokens\":0,\"seed\":null,\"prefill\":[],\"tokens\":["
                for (i, w) in r.words.enumerated() {
                    if i > 0 { s += "," }
                    s += Vocab.tokenJSON(vocab.words[Int(w)])
                }
                if eos { s += (r.words.isEmpty ? "" : ",") + Vocab.eosTokenJSON }
                s += "]}"
            }
            s += "}"
            return r.spec.compatArray ? "[\(s)]" : s
        case .chat:
            var created = timespec()
            clock_gettime(CLOCK_REALTIME, &created)
            return "{\"id\":\"null\",\"object\":\"text_completion\",\"created\":\(created.tv_sec),\"model\":\(JSONEscape.quoted(config.modelId)),"
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\(text)\"},\"finish_reason\":\"\(openAIFinishReason(finish))\"}],"
                + "\"usage\":\(Vocab.usageJSON(r.spec.inputTokens, r.generated)),\"system_fingerprint\":\"0.1.0-native\"}"
        case .completions:
            return "{\"id\":\"null\",\"object\":\"text_completion\",\"created\":0,\"model\":\"null\",\"choices\":[{\"index\":0,\"text\":\"\(text)\","
                + "\"logprobs\":null,\"finish_reason\":\"\(openAIFinishReason(finish))\"}],\"usage\":\(Vocab.usageJSON(r.spec.inputTokens, r.generated))}"
        }
    }

    private func baseHeaders(_ spec: GenerationSpec) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "x-request-id", value: spec.id)
        return h
    }

    private func streamHeaders(_ spec: GenerationSpec) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "text/event-stream")
        h.add(name: "cache-control", value: "no-cache")
        h.add(name: "x-compute-type", value: "gpu+optimized")
        h.add(name: "x-compute-characters", value: String(spec.inputChars))
        h.add(name: "x-accel-buffering", value: "no")
        h.add(name: "x-model-id", value: config.modelId)
        if !spec.adapter.isEmpty {
            h.add(name: "x-adapter-id", value: spec.adapter)
            h.add(name: "x-adapter-source", value: "hub")
        }
        h.add(name: "x-request-id", value: spec.id)
        return h
    }

    private func fullHeaders(_ r: SimRequest, now: UInt64) -> HTTPHeaders {
        func ms(_ ns: UInt64) -> String { String(ns / 1_000_000) }
        let received = r.spec.receivedNanos
        let total = now &- received
        let queue = r.admittedNanos &- received
        let inference = now &- r.admittedNanos
        let ttft = (r.firstTokenMicros.map { $0 * 1000 } ?? now) &- received
        let perToken = r.generated > 0 ? inference / UInt64(r.generated) : 0
        let perOutput = r.generated > 1 ? (now &- (r.firstTokenMicros.map { $0 * 1000 } ?? now)) / UInt64(r.generated - 1) : 0
        var h = HTTPHeaders()
        h.add(name: "content-type", value: "application/json")
        h.add(name: "x-compute-type", value: "gpu+optimized")
        h.add(name: "x-compute-time", value: ms(total))
        h.add(name: "x-compute-characters", value: String(r.spec.inputChars))
        h.add(name: "x-total-time", value: ms(total))
        h.add(name: "x-validation-time", value: "0")
        h.add(name: "x-queue-time", value: ms(queue))
        h.add(name: "x-inference-time", value: ms(inference))
        h.add(name: "x-time-per-token", value: ms(perToken))
        h.add(name: "x-time-to-first-token", value: ms(ttft))
        h.add(name: "x-time-per-output-token", value: ms(perOutput))
        h.add(name: "x-prompt-tokens", value: String(r.spec.inputTokens))
        h.add(name: "x-generated-tokens", value: String(r.generated))
        h.add(name: "x-skipped-tokens", value: "0")
        h.add(name: "x-total-tokens", value: String(r.spec.inputTokens + r.generated))
        h.add(name: "x-model-id", value: config.modelId)
        if !r.spec.adapter.isEmpty {
            h.add(name: "x-adapter-id", value: r.spec.adapter)
            h.add(name: "x-adapter-source", value: "hub")
        }
        h.add(name: "x-request-id", value: r.spec.id)
        return h
    }
}

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
    private var faultCounter: UInt64 = 0
    private var faultRng: SplitMix64
    private var idCounter: UInt64 = 0
    private var rotate = 0

    init(loop: EventLoop, config: SimConfig) {
        self.loop = loop
        self.config = config
        let n = max(1, config.replicas)
        let shared = SharedState(config: config, replicas: n)
        self.shared = shared
        engines = (0..<n).map { Engine(loop: loop, config: config, shared: shared, index: $0) }
        faultRng = SplitMix64(seed: config.seed ^ 0xFA17)
    }

    func start() { for e in engines { e.start() } }

    func stop() { for e in engines { e.stop() } }

    /// Clears ground truth, counters and the fault sequence (so `every` counts restart at 1).
    func reset() {
        loop.assertInEventLoop()
        shared.reset()
        faultCounter = 0
        faultRng = SplitMix64(seed: config.seed ^ 0xFA17)
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
        let fault = drawFault()
        var best = engines[rotate % engines.count]
        for k in 1..<max(1, engines.count) {
            let e = engines[(rotate + k) % engines.count]
            if e.load < best.load { best = e }
        }
        rotate &+= 1
        return best.handle(spec, sink: sink, fault: fault)
    }

    /// The client of `req` went away.
    func drop(_ req: SimRequest) { req.engine?.drop(req) }

    private func drawFault() -> SimFaultKind? {
        faultCounter += 1
        let f = config.faults
        let n = faultCounter
        let table: [(SimFaultKind, Double, Int)] = [
            (.httpError, f.httpErrorRate, f.httpErrorEvery), (.streamError, f.streamErrorRate, f.streamErrorEvery),
            (.disconnect, f.disconnectRate, f.disconnectEvery), (.incomplete, f.incompleteRate, f.incompleteEvery),
            (.malformed, f.malformedRate, f.malformedEvery), (.stall, f.stallRate, f.stallEvery),
        ]
        var chosen: SimFaultKind?
        for (kind, rate, every) in table {
            // Draw for every rate so the sequence does not depend on which faults fired before.
            let hit = (every > 0 && n % UInt64(every) == 0) || (rate > 0 && faultRng.unit() < rate)
            if hit && chosen == nil { chosen = kind }
        }
        return chosen
    }
}
