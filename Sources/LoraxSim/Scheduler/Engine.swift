import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One simulated LoRAX replica: admission, the waiting queue and continuous batching, one step at
/// a time; adapters come from its `AdapterScheduler`, bytes from the shared `ResponseFormat`.
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
    let format: ResponseFormat
    /// This engine's index among the replicas (gauges are kept per replica).
    let index: Int

    private let adapters: AdapterScheduler
    private var batch = RunningBatch()
    private var prefixCache: PrefixCache
    private var keepAlive: KeepAliveSweep
    private var waiting: [SimRequest] = []
    private var waitingLive = 0
    private var inFlight = 0
    private var stepScheduled = false
    private var plannedEnd: UInt64 = 0
    private var stepHadPrefill = false
    private var arrivals: UInt64 = 0
    private var errScratch: [UInt64] = []
    private var sweepTask: RepeatedTask?
    private var stopped = false
    private var jitterRng: SplitMix64
    private let traceSteps = getenv("LORAXSIM_TRACE") != nil
    private let stallNanos: UInt64

    init(loop: EventLoop, config: SimConfig, shared: SharedState, format: ResponseFormat, index: Int) {
        self.loop = loop
        self.config = config
        self.shared = shared
        self.format = format
        self.index = index
        adapters = AdapterScheduler(loop: loop, config: config, shared: shared)
        keepAlive = KeepAliveSweep(config: config)
        prefixCache = PrefixCache(capacity: config.prefixCacheBlocks)
        jitterRng = SplitMix64(seed: config.seed ^ (0x7177 &+ UInt64(index)))
        stallNanos = UInt64(config.faults.stallMs * 1e6)
        adapters.onReady = { [weak self] now in self?.adapterReady(at: now) }
    }

    /// Starts the keep-alive sweep (one repeating task for all streams, not a timer per stream).
    func start() {
        loop.assertInEventLoop()
        sweepTask = loop.scheduleRepeatedTask(initialDelay: keepAlive.period, delay: keepAlive.period) { [self] _ in
            let n = self.keepAlive.sweep()
            if n > 0 { self.shared.keepAlives(n) }
        }
    }

    /// Stops timers; in-flight requests are abandoned (their connections are closed by shutdown).
    func stop() {
        loop.assertInEventLoop()
        stopped = true
        adapters.stop()
        sweepTask?.cancel()
        sweepTask = nil
    }

    // MARK: admission

    /// Requests queued or running on this replica.
    var load: Int { inFlight }

    /// Handles a parsed generation request end to end: the drawn fault, overload, validation, queueing.
    @discardableResult
    func handle(_ spec: GenerationSpec, sink: ResponseSink, fault: SimFaultKind?, answers: AnswerBook = .empty) -> SimRequest? {
        loop.assertInEventLoop()
        arrivals += 1
        if fault == .httpError {
            // Ground truth is recorded before the bytes go out, so a client that saw the end also sees the record.
            record(spec: spec, status: 503, errorType: "unavailable", fault: .httpError, failure: "generation")
            format.writeUnavailable(spec, to: sink)
            return nil
        }
        if inFlight >= config.maxConcurrentRequests {
            reject(spec, sink: sink, status: .tooManyRequests, message: LoraxError.overloaded, type: "overloaded", failure: "overloaded")
            return nil
        }
        let maxNew: Int, genLimit: Int, eosAtLimit: Bool
        switch Admission.check(spec, config: config) {
        case let .reject(message):
            reject(spec, sink: sink, status: .unprocessableEntity, message: "Input validation error: " + message, type: "validation", failure: "validation")
            return nil
        case let .admit(m, g, e):
            (maxNew, genLimit, eosAtLimit) = (m, g, e)
        }
        // Greedy requests draw from the prompt and the answering adapter alone, so a repeat gets the same words.
        let seed = spec.greedy ? config.seed ^ spec.promptHash ^ (AnswerBook.hash(spec.answeringAdapter) &* 0x9E37_79B9_7F4A_7C15)
            : config.seed &+ UInt64(index) &* 0x5851_F42D &+ arrivals &* 0x9E37_79B9
        let req = SimRequest(spec: spec, adapter: adapters.adapter(named: spec.adapter), maxNew: maxNew, genLimit: genLimit,
                             eosAtLimit: eosAtLimit, arrival: arrivals, seed: seed, recordTimes: config.recordTokenTimes)
        if let words = answers.answer(promptHash: spec.promptHash, adapter: spec.answeringAdapter) {
            let base = format.vocab.randomCount
            req.script = words.map { UInt16(base + $0) }
            req.answerKeyRight = answers.isRight(promptHash: spec.promptHash, adapter: spec.answeringAdapter)
        }
        req.engine = self
        req.sink = sink
        req.fault = fault
        req.faultAfter = genLimit / 2
        inFlight += 1
        if spec.stream {
            sink.sinkStartStream(headers: format.streamHeaders(spec))
            keepAlive.add(req)
        }
        req.cold = adapters.enqueue(for: req.adapter)
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

    private func reject(_ spec: GenerationSpec, sink: ResponseSink, status: HTTPResponseStatus, message: String, type: String, failure: String) {
        if spec.stream {
            record(spec: spec, status: 200, errorType: type, fault: nil, failure: failure)
            sink.sinkStartStream(headers: format.streamHeaders(spec))
            sink.sinkWrite(ByteBuffer(string: LoraxError.event(message, type)))
            sink.sinkEnd()
        } else {
            record(spec: spec, status: Int(status.code), errorType: type, fault: nil, failure: failure)
            sink.sinkRespond(status: status, headers: format.jsonHeaders(spec), body: LoraxError.json(message, type))
        }
    }

    /// Records a request answered before admission.
    private func record(spec: GenerationSpec, status: Int, errorType: String?, fault: SimFaultKind?, failure: String) {
        let r = SimRequestRecord(unadmitted: spec, maxNew: spec.maxNewTokens ?? 0, status: status, errorType: errorType, fault: fault)
        shared.finish(r, success: false, failureLabel: failure, queueSeconds: nil, inferenceSeconds: nil,
                      totalSeconds: Double(monoNanos() &- spec.receivedNanos) / 1e9)
    }

    /// Records an admitted request as it ends (`failure` nil for a success).
    private func finishRecord(_ r: SimRequest, status: Int, errorType: String?, finish: String?, failure: String?) {
        let now = monoNanos()
        // A step's start may precede the arrival of a request it admits: that request did not queue at all.
        let admitted = r.admittedNanos > 0 ? max(r.admittedNanos, r.spec.receivedNanos) : nil
        let queue = admitted.map { Double($0 - r.spec.receivedNanos) / 1e9 }
        let inference = admitted.map { Double(now &- $0) / 1e9 }
        shared.finish(SimRequestRecord(r, status: status, errorType: errorType, finish: finish), success: failure == nil,
                      failureLabel: failure, queueSeconds: queue, inferenceSeconds: inference,
                      totalSeconds: Double(now &- r.spec.receivedNanos) / 1e9)
    }

    // MARK: adapters

    private func updateAdapters(now: UInt64) {
        if let swapped = adapters.update(now: now) {
            for r in waiting where r.adapter === swapped && r.state == .waiting { r.cold = true }
        }
    }

    private func adapterReady(at now: UInt64) {
        updateAdapters(now: now)
        adapters.runLoader()
        kick()
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
        if waitingLive > 0 && batch.count < config.maxBatchSize {
            var keep: [SimRequest] = []
            keep.reserveCapacity(waiting.count)
            var blocked = false
            for r in waiting {
                guard r.state == .waiting else { continue }
                if !blocked && r.adapter.status == .ready {
                    if batch.fits(r, config: config) {
                        join(r, at: start)
                        admitted += 1
                        prefillTokens += r.spec.inputTokens - cachedPrefix(r)
                        continue
                    }
                    blocked = true  // FCFS: the oldest ready head does not fit, nobody overtakes it
                }
                keep.append(r)
            }
            waiting = keep
        }
        if batch.count == 0 {
            stepScheduled = false
            shared.gauges(index, gauges())
            return
        }
        var costMs = config.decodeBaseMs + config.decodePerSequenceMs * Double(batch.count)
            + config.decodePerAdapterMs * Double(batch.distinctAdapters)
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

    private func gauges() -> ReplicaGauges {
        ReplicaGauges(inFlight: inFlight, queued: waitingLive, batch: batch.count, loaded: adapters.loadedCount, batchTokens: batch.reservedTokens)
    }

    /// Input tokens of `r` its adapter's prefix cache holds (at least one token is always prefilled); 0 when the model is off.
    private func cachedPrefix(_ r: SimRequest) -> Int {
        guard config.prefixCacheBlocks > 0 else { return 0 }
        let hits = prefixCache.admit(adapter: r.spec.adapter, blocks: r.spec.prefixBlocks)
        let cached = min(max(r.spec.inputTokens - 1, 0), Int((Double(hits * config.prefixBlockWords) * config.tokensPerWord).rounded(.down)))
        r.cachedTokens = cached
        return cached
    }

    private func join(_ r: SimRequest, at start: UInt64) {
        r.state = .running
        r.admittedNanos = start
        waitingLive -= 1
        r.adapter.queued -= 1
        batch.join(r)
    }

    /// Takes `r` out of the queue or the batch, with all accounting.
    private func leave(_ r: SimRequest) {
        switch r.state {
        case .waiting:
            waitingLive -= 1
            r.adapter.queued -= 1
        case .running:
            batch.leave(r)
        case .done:
            return
        }
        r.state = .done
        inFlight -= 1
        keepAlive.remove(r)
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
        for r in batch.requests {
            guard r.state == .running else { anyDone = true; continue }
            if emit(r, planned: planned) { tokens += 1 }
            if r.state == .done { anyDone = true }
        }
        if anyDone { batch.removeFinished() }
        errScratch.withUnsafeBufferPointer { buf in
            shared.stepDone(index, lateness: fired > planned ? (fired - planned) / 1000 : 0, tokens: tokens, schedErrors: buf,
                            prefill: stepHadPrefill, gauges: gauges())
        }
        if traceSteps { let e = monoNanos(); print("STEP planned=\(planned/1000) late_us=\((fired &- planned)/1000) proc_us=\((e - fired)/1000) batch=\(batch.count) waiting=\(waitingLive)") }
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
                leave(r)
                finishRecord(r, status: f.recordedStatus(stream: r.spec.stream), errorType: f.errorType, finish: nil, failure: "generation")
                format.writeFault(f, for: r, to: r.sink)
                return false
            case .httpError, .wrongAdapter:
                break
            }
        }
        r.generated += 1
        let eos: Bool
        if let script = r.script {
            // An answer-key answer is its words, then EOS (cut at max_new_tokens like any other).
            eos = r.generated > script.count
        } else {
            eos = (config.eosProbability > 0 && r.rng.unit() < config.eosProbability) || (r.generated >= r.genLimit && r.eosAtLimit)
        }
        let final = eos || r.generated >= r.genLimit
        var wordIndex = -1
        if !eos {
            wordIndex = r.script.map { Int($0[r.generated - 1]) } ?? Int(r.rng.next() % UInt64(format.vocab.randomCount))
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
                r.sink?.sinkWrite(ByteBuffer(string: format.finalEvent(r, eos: eos, lastWord: wordIndex)))
                r.sink?.sinkEnd()
            } else {
                r.sink?.sinkWriteFramed(format.tokenEvent(r.spec.flavor, word: wordIndex))
            }
        }
        if final && !r.spec.stream {
            r.sink?.sinkRespond(status: .ok, headers: format.fullHeaders(r, now: t), body: format.fullBody(r, finish: reason, eos: eos))
        }
        return true
    }
}
