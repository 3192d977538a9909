import CCurl
import Dispatch
import Foundation
import Stats

/// libcurl's multi interface driven by `curl_multi_socket_action`, with one read/write DispatchSource per socket
/// and one timer source, all on a single serial queue: no busy polling and no thread per request.
///
/// Threading: every method and every curl callback runs on `queue` (asserted); nothing here is touched elsewhere.
final class CurlMulti: @unchecked Sendable {  // @unchecked: all mutable state is confined to `queue`.
    let queue: DispatchQueue
    private let multi: UnsafeMutableRawPointer
    private var timer: DispatchSourceTimer?
    private var timerDue: UInt64 = .max
    private var sockets: [curl_socket_t: SocketWatch] = [:]
    private var transfers: [ObjectIdentifier: Transfer] = [:]
    private var sweep: DispatchSourceTimer?
    private var freeHandles: [UnsafeMutableRawPointer] = []
    /// Set while curl's events are handled: a completion that starts the next request (think time 0) must not
    /// kick curl again from inside, or requests that fail at once recurse until the stack overflows.
    private var handlingEvents = false
    private var kickQueued = false

    /// Sources of one socket; the fd is closed only after every source of it has been cancelled,
    /// so libdispatch never watches a reused descriptor number.
    final class SocketWatch {
        let fd: curl_socket_t
        var read: DispatchSourceProtocol?
        var write: DispatchSourceProtocol?
        var pendingCancels = 0
        var closeRequested = false
        /// When the socket last became readable: bytes of a response head arrive here before curl hands a whole
        /// header line to the transfer, so this, not the transfer's own clock, says whether the peer is silent.
        var lastReadableMicros: UInt64 = 0
        /// The easy handle curl last named for this socket (the transfer using the connection now).
        var easy: UnsafeMutableRawPointer?
        init(fd: curl_socket_t) { self.fd = fd }
    }

    /// Number of requests in flight.
    var activeCount: Int { transfers.count }

    init(queue: DispatchQueue, maxConnections: Int) {
        _ = CurlGlobal.ready
        self.queue = queue
        multi = curl_multi_init()!
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
    }

    private var closed = false

    deinit {
        // Normally `shutdown()` already ran on the queue; this only covers a multi that was never started.
        if !closed { curl_multi_cleanup(multi) }
    }

    /// Starts a transfer; its completion is called on `queue`.
    func add(_ t: Transfer) {
        dispatchPrecondition(condition: .onQueue(queue))
        let easy = freeHandles.popLast() ?? curl_easy_init()!
        t.configure(easy: easy, multi: self)
        transfers[ObjectIdentifier(t)] = t
        t.sent(at: MonotonicClock.nowMicros())
        curl_multi_add_handle(multi, easy)
        startSweepIfNeeded()
        // Start the transfer now rather than on the next timer turn, which may wait behind a burst of events;
        // from inside a completion, on the next turn of the queue (so timers and stop requests get theirs).
        if !handlingEvents {
            socketAction(lb_curl_socket_timeout(), 0)
        } else if !kickQueued {
            kickQueued = true
            queue.async { [self] in
                kickQueued = false
                socketAction(lb_curl_socket_timeout(), 0)
            }
        }
    }

    /// Ends a transfer now with the given failure (idle timeout, shutdown).
    func abort(_ t: Transfer, _ cls: ErrorClass, message: String) {
        dispatchPrecondition(condition: .onQueue(queue))
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

    // MARK: - curl callbacks (on queue)

    private func watch(fd: curl_socket_t, what: Int32, easy: UnsafeMutableRawPointer?) {
        dispatchPrecondition(condition: .onQueue(queue))
        let w: SocketWatch
        if let existing = sockets[fd] { w = existing } else { w = SocketWatch(fd: fd); sockets[fd] = w }
        w.easy = easy
        let wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT
        let wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT
        w.read = update(w, w.read, want: wantRead, mask: Int32(CURL_CSELECT_IN)) {
            DispatchSource.makeReadSource(fileDescriptor: $0, queue: $1)
        }
        w.write = update(w, w.write, want: wantWrite, mask: Int32(CURL_CSELECT_OUT)) {
            DispatchSource.makeWriteSource(fileDescriptor: $0, queue: $1)
        }
        if what == CURL_POLL_REMOVE, w.pendingCancels == 0 { sockets[fd] = nil }
    }

    /// Starts or stops one direction's source for a socket; returns the source watching it now (nil for none).
    private func update(_ w: SocketWatch, _ current: DispatchSourceProtocol?, want: Bool, mask: Int32,
                        make: (Int32, DispatchQueue) -> DispatchSourceProtocol) -> DispatchSourceProtocol? {
        guard want else {
            if let current { retire(current, of: w) }
            return nil
        }
        if let current { return current }
        let s = make(w.fd, queue)
        s.setEventHandler { [self] in
            if mask == Int32(CURL_CSELECT_IN) { w.lastReadableMicros = MonotonicClock.nowMicros() }
            self.socketAction(w.fd, mask)
        }
        s.setCancelHandler { [self] in self.sourceCancelled(w) }
        s.resume()
        return s
    }

    /// Cancels a socket's source; the fd may be closed once every such cancellation has completed.
    private func retire(_ s: DispatchSourceProtocol, of w: SocketWatch) {
        w.pendingCancels += 1
        s.cancel()
    }

    private func sourceCancelled(_ w: SocketWatch) {
        w.pendingCancels -= 1
        guard w.pendingCancels == 0, w.read == nil, w.write == nil else { return }
        if w.closeRequested { close(w.fd) }
        if sockets[w.fd] === w { sockets[w.fd] = nil }
    }

    /// CURLOPT_CLOSESOCKETFUNCTION: close now, or once this fd's sources are gone.
    fileprivate func closeSocket(_ fd: curl_socket_t) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let w = sockets[fd], w.pendingCancels > 0 || w.read != nil || w.write != nil {
            w.closeRequested = true
            if let s = w.read { w.read = nil; retire(s, of: w) }
            if let s = w.write { w.write = nil; retire(s, of: w) }
        } else {
            sockets[fd] = nil
            close(fd)
        }
    }

    /// CURLMOPT_TIMERFUNCTION. Re-arming a dispatch timer costs a wake-up of libdispatch's manager thread,
    /// and curl asks for a new timeout after nearly every socket event, so the timer is only moved earlier;
    /// an early or stale expiry is harmless (curl just reports the next timeout).
    private func setTimer(ms: Int) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard ms >= 0 else { return }
        let due = MonotonicClock.nowMicros() + UInt64(ms) * 1000
        if timer == nil {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.setEventHandler { [unowned self] in
                self.timerDue = .max
                self.socketAction(lb_curl_socket_timeout(), 0)
            }
            timer = t
            t.resume()
        }
        guard due < timerDue else { return }
        timerDue = due
        timer!.schedule(deadline: .now() + .milliseconds(ms), leeway: .microseconds(200))
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
        let s = DispatchSource.makeTimerSource(queue: queue)
        s.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(50), leeway: .milliseconds(5))
        s.setEventHandler { [unowned self] in
            let now = MonotonicClock.nowMicros()
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
        s.resume()
    }

    /// When the transfer's connection last had bytes to read; nil when no watched socket is the transfer's.
    private func lastReadable(_ t: Transfer) -> UInt64? {
        guard let easy = t.easy else { return nil }
        return sockets.values.filter { $0.easy == easy }.map(\.lastReadableMicros).max()
    }

    /// Closes every connection and frees curl's state; call on the queue once no transfer is left.
    func shutdown() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !closed else { return }
        sweep?.cancel(); sweep = nil
        for h in freeHandles { curl_easy_cleanup(h) }
        freeHandles.removeAll()
        curl_multi_cleanup(multi)  // closes cached connections through closeSocket, on this queue
        closed = true
        timer?.cancel(); timer = nil
    }
}

/// The CURLOPT_CLOSESOCKETFUNCTION trampoline (a C function pointer cannot capture context).
let curlCloseSocketCallback: lb_curl_closesocket_callback = { clientp, fd in
    Unmanaged<CurlMulti>.fromOpaque(clientp!).takeUnretainedValue().closeSocket(fd)
    return 0
}
