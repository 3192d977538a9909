import CCurl
import Dispatch
import Foundation
import Stats

/// libcurl's multi interface driven by `curl_multi_socket_action` from one event loop (`TransportLoop`): curl's
/// sockets live in the loop's level-triggered epoll descriptor, and each time `epoll_wait` returns, every ready
/// socket of the batch is served with the one clock read taken then (not when each socket's turn comes), so the
/// last stream of a burst is not stamped late by the time it took to parse the others. curl's timeout is one
/// loop timer. No busy polling, no thread per request and no source per socket (a DispatchSource per socket cost a
/// libdispatch hand-off and an epoll re-arm per token).
///
/// Threading: every method and every curl callback runs on `loop` (asserted); nothing here is touched elsewhere.
final class CurlMulti: @unchecked Sendable {  // @unchecked: all mutable state is confined to `loop`.
    let loop: TransportLoop
    private let multi: UnsafeMutableRawPointer
    private let epollFD: Int32
    private var timer: LoopTimer?
    private var timerDue: UInt64 = .max
    /// Per descriptor number (curl's sockets are small integers): watched or not, and what the idle sweep needs.
    /// Unchecked exclusivity: loop-confined, and read on every ready socket.
    @exclusivity(unchecked) private var sockets: [SocketState] = []
    private var transfers: [ObjectIdentifier: Transfer] = [:]
    private var sweep: LoopTimer?
    private var freeHandles: [UnsafeMutableRawPointer] = []
    /// Set while curl's events are handled: a completion that starts the next request (think time 0) must not
    /// kick curl again from inside, or requests that fail at once recurse until the stack overflows.
    private var handlingEvents = false
    /// Transfers were added from inside curl's callbacks and curl has not been run for them yet: done after the
    /// socket being served (`serve`), or on the loop's next turn when they were added outside a batch.
    private var kickPending = false
    private var kickQueued = false

    /// When the bytes being handled now were seen: the clock read of the `epoll_wait` (the batch's, or a look's in
    /// mid-batch) that first found the socket being served ready, or of the timer or kick that made curl run.
    private(set) var eventMicros: UInt64 = 0
    /// The easy handle whose socket `serve` is handling now: only its bytes arrived by `eventMicros`. curl also
    /// reads other transfers' sockets inside the same call (expired timers), bytes that may have come later.
    private(set) var servingEasy: UnsafeMutableRawPointer?
    /// `epoll_wait` returns that found ready sockets, and the sockets they served (tests and benchmarks read them).
    private(set) var batches = 0
    private(set) var readyEvents = 0
    /// LORABENCH_TRANSPORT_TRACE: every event of this loop, for diagnosis; nil (no cost) normally.
    let trace: TransportTrace?

    struct SocketState {
        var watched = false
        /// When the socket last became readable: bytes of a response head arrive here before curl hands a whole
        /// header line to the transfer, so this, not the transfer's own clock, says whether the peer is silent.
        var lastReadableMicros: UInt64 = 0
        /// The easy handle curl last named for this socket (the transfer using the connection now).
        var easy: UnsafeMutableRawPointer?
        /// Waiting in the current batch's queue (so a look in mid-batch does not queue it twice).
        var queued = false
    }

    /// The sockets the current batch has still to serve, each with the clock read of the `epoll_wait` that first found
    /// it ready: the batch's own, or a look taken in mid-batch.
    private struct Ready { var fd: Int32; var mask: Int32; var seen: UInt64 }
    @exclusivity(unchecked) private var queue: [Ready] = []
    /// Every `lookEvery` sockets served, a batch asks epoll (without waiting) which sockets became ready meanwhile and
    /// stamps them with that look's clock. Without it, a socket the server wrote to just after the batch began is
    /// stamped only when the whole batch has been served, late by the batch's length (2 ms and more in a burst of
    /// 300 streams). Bounded by `lookLimit` sockets a batch, so timers and handed-in work still get their turn.
    static let lookEvery = 16, lookLimit = 1024
    private let lookFDs = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    private let lookMasks = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    /// Looks taken in mid-batch and the sockets they found (tests and benchmarks read them).
    private(set) var looks = 0
    private(set) var lookedUp = 0

    /// Number of requests in flight.
    var activeCount: Int { transfers.count }

    init(loop: TransportLoop, maxConnections: Int, shard: Int = 0) {
        _ = CurlGlobal.ready
        self.loop = loop
        trace = TransportTrace.fromEnvironment(shard: shard)
        multi = curl_multi_init()!
        epollFD = loop.epollFD
        let me = Unmanaged.passUnretained(self).toOpaque()
        lb_curl_multi_setopt_socket_function(multi) { easy, fd, what, userp, _ in
            Unmanaged<CurlMulti>.fromOpaque(userp!).takeUnretainedValue().watch(fd: fd, what: what, easy: easy)
            return 0
        }
        lb_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        lb_curl_multi_setopt_timer_function(multi) { _, timeoutMs, userp in
            Unmanaged<CurlMulti>.fromOpaque(userp!).takeUnretainedValue().setTimer(ms: timeoutMs)
            return 0
        }
        lb_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        lb_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, maxConnections))
        loop.onReady { [unowned self] fds, masks, n, now in self.serve(fds, masks, n, now) }
    }

    private var closed = false

    deinit {
        // Normally `shutdown()` already ran on the loop; this only covers a multi that was never started.
        if !closed { curl_multi_cleanup(multi) }
        lookFDs.deallocate()
        lookMasks.deallocate()
    }

    /// Starts a transfer; its completion is called on the loop.
    func add(_ t: Transfer) {
        loop.assertOnLoop()
        let easy = freeHandles.popLast() ?? curl_easy_init()!
        t.configure(easy: easy, multi: self)
        transfers[ObjectIdentifier(t)] = t
        // Handed over now; `Transfer.willSendAttempt` moves t_sent to when curl puts the request on the wire.
        t.sent(at: MonotonicClock.nowMicros())
        trace?.note(.add, easy: easy, t.request.clientRequestId)
        curl_multi_add_handle(multi, easy)
        startSweepIfNeeded()
        // Start the transfer now rather than on the next timer turn, which may wait behind a burst of events;
        // from inside a completion, on the next turn of the loop (so timers and stop requests get theirs).
        if !handlingEvents {
            eventMicros = MonotonicClock.nowMicros()
            socketAction(lb_curl_socket_timeout(), 0)
        } else {
            kickPending = true
            guard !kickQueued else { return }
            kickQueued = true
            loop.async { [self] in
                kickQueued = false
                kick()
            }
        }
    }

    /// Runs curl for transfers added from inside its callbacks (a completion starting the VU's next request), so they
    /// go on the wire now rather than after the rest of the batch (a batch of a 5000-stream burst lasts milliseconds).
    private func kick() {
        guard kickPending, !closed else { return }
        kickPending = false
        trace?.note(.kick, easy: nil)
        eventMicros = MonotonicClock.nowMicros()
        socketAction(lb_curl_socket_timeout(), 0)
    }

    /// Ends a transfer now with the given failure (idle timeout, shutdown).
    func abort(_ t: Transfer, _ cls: ErrorClass, message: String) {
        loop.assertOnLoop()
        guard transfers[ObjectIdentifier(t)] != nil else { return }
        t.fail(cls, message: message, at: MonotonicClock.nowMicros())
        finish(t, code: CURLE_ABORTED_BY_CALLBACK)
    }

    /// Aborts every transfer in flight (used when a run is stopped).
    func abortAll(_ cls: ErrorClass, message: String) {
        for t in Array(transfers.values) { abort(t, cls, message: message) }
    }

    /// The transfers in flight, for the idle sweep and shutdown.
    var inFlight: [Transfer] { Array(transfers.values) }

    // MARK: - curl callbacks (on the loop)

    private func watch(fd: curl_socket_t, what: Int32, easy: UnsafeMutableRawPointer?) {
        loop.assertOnLoop()
        guard fd >= 0 else { return }
        trace?.note(.watch, fd: fd, arg: Int(what), easy: easy)
        let i = Int(fd)
        if i >= sockets.count { sockets.append(contentsOf: repeatElement(SocketState(), count: i + 1 - sockets.count)) }
        if what == CURL_POLL_REMOVE {
            if sockets[i].watched { lb_epoll_forget(epollFD, fd) }
            sockets[i] = SocketState()
            return
        }
        sockets[i].easy = easy
        if lb_epoll_watch(epollFD, fd, what, sockets[i].watched ? 1 : 0) == 0 {
            sockets[i].watched = true
        } else {
            // Not watchable (closed under curl): curl's own timeout ends the transfer, with its own error.
            sockets[i].watched = false
        }
    }

    /// CURLOPT_CLOSESOCKETFUNCTION: stop watching, then close (epoll forgets a closed descriptor by itself, but a
    /// number curl reuses at once must not inherit the old registration).
    fileprivate func closeSocket(_ fd: curl_socket_t) {
        loop.assertOnLoop()
        trace?.note(.close, fd: fd, easy: nil)
        if fd >= 0, Int(fd) < sockets.count {
            if sockets[Int(fd)].watched { lb_epoll_forget(epollFD, fd) }
            sockets[Int(fd)] = SocketState()
        }
        close(fd)
    }

    /// One `epoll_wait` batch: every ready socket, stamped `now`, then those found by looks in mid-batch, stamped when
    /// found. Sockets are level-triggered, so one that still holds bytes is simply reported again later.
    private func serve(_ fds: UnsafePointer<Int32>, _ masks: UnsafePointer<Int32>, _ n: Int, _ now: UInt64) {
        guard !closed else { return }
        batches += 1
        readyEvents += n
        queue.removeAll(keepingCapacity: true)
        for k in 0..<n { enqueue(fds[k], masks[k], now) }
        var k = 0
        while k < queue.count {
            if k > 0, k % Self.lookEvery == 0, queue.count < Self.lookLimit { look() }
            let r = queue[k]
            k += 1
            let i = Int(r.fd)
            let known = i < sockets.count
            if known { sockets[i].queued = false }
            eventMicros = r.seen
            if r.mask & Int32(CURL_CSELECT_IN) != 0, known { sockets[i].lastReadableMicros = r.seen }
            servingEasy = known ? sockets[i].easy : nil
            trace?.note(.ready, fd: r.fd, arg: Int(r.mask), easy: servingEasy)
            socketAction(r.fd, r.mask)
            servingEasy = nil
            if closed { return }
            if kickPending { kick() }
        }
    }

    private func enqueue(_ fd: Int32, _ mask: Int32, _ seen: UInt64) {
        if Int(fd) < sockets.count { sockets[Int(fd)].queued = true }
        queue.append(Ready(fd: fd, mask: mask, seen: seen))
    }

    /// Which watched sockets became ready since the batch began (the loop's own descriptors, such as its wake-up
    /// eventfd, are left for its next wait).
    private func look() {
        let m = Int(lb_epoll_ready_us(epollFD, lookFDs, lookMasks, 64, 0))
        let seen = MonotonicClock.nowMicros()
        looks += 1
        for j in 0..<max(0, m) {
            let fd = lookFDs[j], i = Int(fd)
            guard i < sockets.count, sockets[i].watched, !sockets[i].queued else { continue }
            enqueue(fd, lookMasks[j], seen)
            lookedUp += 1
            readyEvents += 1
        }
    }

    /// CURLMOPT_TIMERFUNCTION. Re-arming a dispatch timer costs a wake-up of libdispatch's manager thread,
    /// and curl asks for a new timeout after nearly every socket event, so the timer is only moved earlier;
    /// an early or stale expiry is harmless (curl just reports the next timeout).
    private func setTimer(ms: Int) {
        loop.assertOnLoop()
        guard ms >= 0 else { return }
        // Inside a curl call, from the clock read that made curl run (no fresh read per token): early by at most the
        // time curl has run since, which is harmless.
        let due = (handlingEvents && eventMicros > 0 ? eventMicros : MonotonicClock.nowMicros()) + UInt64(ms) * 1000
        if timer == nil {
            timer = loop.makeTimer { [unowned self] in
                self.timerDue = .max
                self.trace?.note(.timer, easy: nil)
                self.eventMicros = MonotonicClock.nowMicros()
                self.socketAction(lb_curl_socket_timeout(), 0)
            }
        }
        guard due < timerDue else { return }
        timerDue = due
        timer!.schedule(atMicros: due)
    }

    private func socketAction(_ fd: curl_socket_t, _ mask: Int32) {
        guard !closed else { return }
        let outer = !handlingEvents
        handlingEvents = true
        defer { if outer { handlingEvents = false } }
        var running: Int32 = 0
        curl_multi_socket_action(multi, fd, mask, &running)
        drainMessages()
    }

    private func drainMessages() {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(multi, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
            var priv: UnsafeMutableRawPointer?
            lb_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &priv)
            guard let priv else { continue }
            let t = Unmanaged<Transfer>.fromOpaque(priv).takeUnretainedValue()
            finish(t, code: msg.pointee.data.result)
        }
    }

    private func finish(_ t: Transfer, code: CURLcode) {
        guard let easy = t.easy, transfers.removeValue(forKey: ObjectIdentifier(t)) != nil else { return }
        trace?.note(.done, arg: Int(code.rawValue), easy: easy, t.request.clientRequestId)
        var status: Int = 0
        lb_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        curl_multi_remove_handle(multi, easy)
        var connect: Int = 0
        lb_curl_easy_getinfo_long(easy, CURLINFO_CONNECT_TIME_T, &connect)
        let record = t.complete(code: code, status: status, connectMicros: UInt64(max(0, connect)), at: MonotonicClock.nowMicros())
        curl_easy_reset(easy)
        if freeHandles.count < 4096 { freeHandles.append(easy) } else { curl_easy_cleanup(easy) }
        let outer = !handlingEvents
        handlingEvents = true
        defer { if outer { handlingEvents = false } }
        t.onComplete(record)
    }

    /// How long a response may go on after its final event before it is closed: the body's end (last chunk,
    /// connection close) normally follows at once, and a server that never ends it must not hold a VU.
    static let afterFinalMicros: UInt64 = 100_000

    /// A 50 ms sweep that fails streams silent for longer than their idle timeout, and closes the ones whose
    /// final event came and went (their record is complete, so closing them does not fail them).
    private func startSweepIfNeeded() {
        guard sweep == nil else { return }
        let s = loop.makeTimer { [unowned self] in
            let now = MonotonicClock.nowMicros()
            self.sweep?.schedule(atMicros: now + Self.sweepMicros)
            for t in self.transfers.values {
                if let f = t.finalEventMicros, now &- f > Self.afterFinalMicros {
                    self.abort(t, .incomplete, message: "body did not end after the final event")  // ignored: already complete
                } else if now &- t.lastByteMicros > t.idleTimeoutMicros {
                    // A head trickling in (a byte at a time, no whole line yet) is slow, not silent.
                    if let last = self.lastReadable(t), now &- last <= t.idleTimeoutMicros { continue }
                    self.abort(t, .timeout, message: "no bytes for \(t.idleTimeoutMicros / 1000) ms (stream_idle_timeout)")
                }
            }
        }
        sweep = s
        s.schedule(atMicros: MonotonicClock.nowMicros() + Self.sweepMicros)
    }

    static let sweepMicros: UInt64 = 50_000

    /// When the transfer's connection last had bytes to read; nil when no watched socket is the transfer's.
    private func lastReadable(_ t: Transfer) -> UInt64? {
        guard let easy = t.easy else { return nil }
        return sockets.lazy.filter { $0.watched && $0.easy == easy }.map(\.lastReadableMicros).max()
    }

    /// Closes every connection and frees curl's state; call on the loop once no transfer is left.
    func shutdown() {
        loop.assertOnLoop()
        guard !closed else { return }
        sweep?.cancel(); sweep = nil
        for h in freeHandles { curl_easy_cleanup(h) }
        freeHandles.removeAll()
        curl_multi_cleanup(multi)  // closes cached connections through closeSocket, on this loop
        closed = true
        trace?.write()
        timer?.cancel(); timer = nil
    }
}

/// The CURLOPT_CLOSESOCKETFUNCTION trampoline (a C function pointer cannot capture context).
let curlCloseSocketCallback: lb_curl_closesocket_callback = { clientp, fd in
    Unmanaged<CurlMulti>.fromOpaque(clientp!).takeUnretainedValue().closeSocket(fd)
    return 0
}
