import Dispatch
import Foundation
import Stats

/// Turns "send one request now for VU n" into a request on the wire and a record when it ends.
/// Executors decide WHEN; the factory decides WHAT; this does the sending. Confined to the transport loop.
final class LoadDriver: RequestSending, @unchecked Sendable {  // @unchecked: all state confined to `multi.loop`.
    let multi: CurlMulti
    let factory: RequestFactory
    let settings: TransferSettings
    let clock: RunClock
    /// Prefix of every request's `x-request-id`.
    let runId: String
    let onRecord: (RequestRecord) -> Void
    /// The share of the load this process sends: sequence numbers are the whole run's (`segment.global`), disjoint.
    let segment: ExecutionSegment
    /// Requests this process has numbered so far.
    private var nextSequence = 0
    /// Adapters touched so far, shared by every shard of the process (the first touch of an adapter is cold).
    private let touched: AdapterTouches
    /// Requests each VU has sent so far, so a per-VU workload (sessions) knows which turn is next.
    private var vuIterations: [Int: Int] = [:]
    /// Set while in-flight requests are being cut off at the end of a run: their records are not measured.
    private var cuttingOff = false
    private(set) var interrupted = 0
    /// Start of the measured window (monotonic µs), so a request knows how far into the run it is; set by the runner.
    var windowStartMicros: UInt64 = 0

    init(multi: CurlMulti, factory: RequestFactory, settings: TransferSettings, clock: RunClock, runId: String,
         segment: ExecutionSegment = .whole, touched: AdapterTouches = AdapterTouches(), onRecord: @escaping (RequestRecord) -> Void) {
        self.segment = segment
        self.touched = touched
        self.runId = runId
        self.multi = multi
        self.factory = factory
        self.settings = settings
        self.clock = clock
        self.onRecord = onRecord
    }

    var inFlight: Int { multi.activeCount }

    /// Sends the run's next request on behalf of `vu`; `done` runs when it has ended and been recorded.
    func send(vu: Int, intendedMicros: UInt64, stage: Int, done: @escaping (_ failed: Bool) -> Void) {
        send(vu: vu, intendedMicros: intendedMicros, stage: stage, arrival: nil, done: done)
    }

    /// As `send(vu:intendedMicros:stage:done:)`, for the open model's arrival number `arrival` (a trace's line).
    func send(vu: Int, intendedMicros: UInt64, stage: Int, arrival: Int?, done: @escaping (_ failed: Bool) -> Void) {
        let sequence = segment.global(nextSequence)
        nextSequence += 1
        let iteration = vuIterations[vu, default: 0]
        vuIterations[vu] = iteration + 1
        var request = factory.make(slot: RequestSlot(sequence: sequence, vu: vu, vuIteration: iteration, arrival: arrival,
                                                     elapsedMicros: intendedMicros &- min(intendedMicros, windowStartMicros)))
        request.clientRequestId = "\(runId)-\(sequence)"
        let cold = touched.firstTouch(request.adapter)
        let builder = RecordBuilder(sequence: sequence, vu: vu, stage: stage, request: request, cold: cold, intendedMicros: intendedMicros)
        let transfer = Transfer(request: request, settings: settings, builder: builder) { [unowned self] record in
            if self.cuttingOff { self.interrupted += 1 } else { self.onRecord(record) }
            done(record.errorClass != nil)
        }
        transfer.onHiddenRetry = { [unowned self] sent, now in
            self.recordHiddenRetry(request, vu: vu, stage: stage, cold: cold, intendedMicros: intendedMicros, sent: sent, at: now)
        }
        multi.add(transfer)
    }

    /// An attempt curl re-sent on a new connection after the reused one died unanswered: the server received it,
    /// so it is a request of its own in the results, failed as `incomplete`, with a sequence number of its own.
    private func recordHiddenRetry(_ request: PreparedRequest, vu: Int, stage: Int, cold: Bool, intendedMicros: UInt64,
                                   sent: UInt64, at now: UInt64) {
        let sequence = segment.global(nextSequence)
        nextSequence += 1
        var b = RecordBuilder(sequence: sequence, vu: vu, stage: stage, request: request, cold: cold, intendedMicros: intendedMicros)
        b.sent(at: sent)
        b.fail(.incomplete, message: "connection closed before any response byte; curl re-sent the request on a new connection", at: now)
        let record = b.finish(at: now)
        if cuttingOff { interrupted += 1 } else { onRecord(record) }
    }

    /// Sends an unmeasured request (the warm-up); its adapter counts as touched.
    func sendUnmeasured(_ request: PreparedRequest, done: @escaping (RequestRecord) -> Void) {
        var request = request
        request.clientRequestId = request.clientRequestId ?? "\(runId)-warmup"
        _ = touched.firstTouch(request.adapter)
        let now = clock.nowMicros()
        let builder = RecordBuilder(sequence: -1, vu: -1, request: request, cold: false, intendedMicros: now)
        multi.add(Transfer(request: request, settings: settings, builder: builder, onComplete: done))
    }

    /// Ends every request still in flight without measuring it.
    func cutOffInFlight() {
        cuttingOff = true
        multi.abortAll(.incomplete, message: "cut off when the run stopped")
        cuttingOff = false
    }
}

/// The adapters a process has sent to, shared by its shards so that each adapter's first request is cold once.
final class AdapterTouches: @unchecked Sendable {  // @unchecked: `seen` is guarded by `lock`.
    private let lock = NSLock()
    private var seen: Set<String> = []

    /// True the first time `adapter` is named.
    func firstTouch(_ adapter: String) -> Bool { lock.withLock { seen.insert(adapter).inserted } }
}
