import CCurl
import Dispatch
import Foundation
import Stats

/// A `TransportLoop` on a serial dispatch queue: one read source watches the epoll descriptor (an epoll descriptor
/// is itself pollable) and its handler drains `epoll_wait(…, 0)`; timers are dispatch timers on the same queue.
/// Each wake-up still costs libdispatch's manager thread a hand-off to a worker thread.
final class DispatchLoop: TransportLoop, @unchecked Sendable {  // @unchecked: state confined to `queue`.
    let queue: DispatchQueue
    let epollFD: Int32
    private var source: DispatchSourceRead?
    private var handler: ((UnsafePointer<Int32>, UnsafePointer<Int32>, Int, UInt64) -> Void)?
    /// Work on a queue runs on whichever of libdispatch's threads is free: no one thread to watch.
    let threadID: Int32? = nil
    private let fds = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
    private let masks = UnsafeMutablePointer<Int32>.allocate(capacity: 256)

    /// A queue's work runs on libdispatch's shared threads, which must not be made real-time for it.
    let realtimeFailure: String?

    init(label: String, realtime: Bool = false) {
        realtimeFailure = realtime ? "--realtime needs the thread event loop (LORABENCH_EVENT_LOOP=thread, the default)" : nil
        queue = DispatchQueue(label: label, qos: .userInteractive)
        epollFD = lb_epoll_create()
        precondition(epollFD >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
        let s = DispatchSource.makeReadSource(fileDescriptor: epollFD, queue: queue)
        s.setEventHandler { [unowned self] in self.drain() }
        s.setCancelHandler { [epollFD, fds, masks] in
            Foundation.close(epollFD)  // only once libdispatch has stopped watching it
            fds.deallocate()
            masks.deallocate()
        }
        source = s
        s.resume()
        queue.setSpecific(key: Self.key, value: ObjectIdentifier(self))
    }

    func onReady(_ handler: @escaping (UnsafePointer<Int32>, UnsafePointer<Int32>, Int, UInt64) -> Void) {
        self.handler = handler
    }

    /// One batch per wake-up; a full batch is followed by another turn after whatever else waits on the queue
    /// (level-triggered sockets still ready are reported again).
    private func drain() {
        let n = Int(lb_epoll_ready(epollFD, fds, masks, 256, 0))
        guard n > 0, let handler else { return }
        handler(fds, masks, n, MonotonicClock.nowMicros())
        if n == 256 { queue.async { [weak self] in self?.drain() } }
    }

    func async(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }

    var isOnLoop: Bool { DispatchQueue.getSpecific(key: Self.key) == ObjectIdentifier(self) }

    func sync<T>(_ work: () -> T) -> T {
        if isOnLoop { return work() }
        return queue.sync(execute: work)
    }

    private static let key = DispatchSpecificKey<ObjectIdentifier>()

    func assertOnLoop() { dispatchPrecondition(condition: .onQueue(queue)) }

    func makeTimer(_ handler: @escaping () -> Void) -> LoopTimer { Timer(queue: queue, handler: handler) }

    func close() {
        queue.sync { source?.cancel(); source = nil }
    }

    private final class Timer: LoopTimer {
        private let source: DispatchSourceTimer
        init(queue: DispatchQueue, handler: @escaping () -> Void) {
            source = DispatchSource.makeTimerSource(queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
        }
        func schedule(atMicros: UInt64) {
            let now = MonotonicClock.nowMicros()
            source.schedule(deadline: .now() + .microseconds(atMicros > now ? Int(atMicros - now) : 0), leeway: .nanoseconds(0))
        }
        func cancel() { source.cancel() }
    }
}
