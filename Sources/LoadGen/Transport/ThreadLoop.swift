import CCurl
import Foundation
import Stats

/// A `TransportLoop` that is a thread of its own, blocked in `epoll_wait` with the nearest timer as its timeout:
/// curl's sockets and an eventfd (work handed in from other threads) share one epoll descriptor, so a wake-up is
/// one system call and no thread hand-off. Timers are deadlines the loop compares after each wait.
final class ThreadLoop: TransportLoop, @unchecked Sendable {  // @unchecked: `jobs`/`wakePending` under `lock`; the rest is loop-confined.
    let epollFD: Int32
    private let wakeFD: Int32
    private let lock = NSLock()
    private var jobs: [() -> Void] = []        // lock
    private var wakePending = false            // lock
    /// The loop thread has ended: work given to it now runs nowhere (async) or on the caller (sync).
    private var exited = false                 // lock
    private var handler: ((UnsafePointer<Int32>, UnsafePointer<Int32>, Int, UInt64) -> Void)?
    private var timers: [Timer] = []
    /// No timer is due before this: lowered as timers are scheduled, made exact when due ones fire, so a turn with
    /// nothing due neither scans the timers nor prunes them.
    private var earliestDeadline: UInt64 = .max
    /// A timer was cancelled since the last prune.
    private var cancelledSincePrune = false
    private var stopping = false
    private var loopThread: pthread_t?
    private(set) var threadID: Int32?
    private let started = DispatchSemaphore(value: 0)
    private let fds = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
    private let masks = UnsafeMutablePointer<Int32>.allocate(capacity: 256)

    private let label: String
    private let realtimePriority: Int32?
    /// Set on the loop thread before `init` returns.
    private(set) var realtimeFailure: String?

    init(label: String, realtimePriority: Int32? = nil) {
        self.label = label
        self.realtimePriority = realtimePriority
        epollFD = lb_epoll_create()
        precondition(epollFD >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
        wakeFD = lb_eventfd_watched(epollFD)
        precondition(wakeFD >= 0, "eventfd failed: \(String(cString: strerror(errno)))")
        let t = Thread { [self] in run() }
        t.name = label
        t.start()
        started.wait()
    }

    deinit {
        fds.deallocate()
        masks.deallocate()
    }

    func onReady(_ handler: @escaping (UnsafePointer<Int32>, UnsafePointer<Int32>, Int, UInt64) -> Void) {
        self.handler = handler
    }

    var isOnLoop: Bool { loopThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }

    func assertOnLoop() {
        precondition(isOnLoop, "transport state touched off its event loop thread")
    }

    func async(_ work: @escaping @Sendable () -> Void) {
        let wake = lock.withLock { () -> Bool in
            if exited { return false }
            jobs.append(work)
            defer { wakePending = true }
            return !wakePending
        }
        if wake { lb_eventfd_signal(wakeFD) }
    }

    func sync<T>(_ work: () -> T) -> T {
        if isOnLoop || lock.withLock({ exited }) { return work() }
        return withoutActuallyEscaping(work) { work in
            // The job holds only the box; the closure is dropped before the caller goes on, so it does not escape.
            let box = SyncBox<T>()
            box.work = work
            async {
                box.value = box.work!()
                box.work = nil
                box.done.signal()
            }
            box.done.wait()
            return box.value!
        }
    }

    func makeTimer(_ handler: @escaping () -> Void) -> LoopTimer {
        assertOnLoop()
        let t = Timer(loop: self, handler: handler)
        timers.append(t)
        return t
    }

    func close() {
        async { [self] in stopping = true }
    }

    private func run() {
        loopThread = pthread_self()
        threadID = lb_gettid()
        // The kernel's name for the thread (ps -L, top -H, perf), at most 15 bytes: "lb-transport.0".
        lb_set_thread_name(label.replacingOccurrences(of: "lorabench.", with: "lb-"))
        // `nice -n -10 lorabench` must reach the loop, the one thread whose scheduling delay shows in the figures;
        // started from a libdispatch worker, it would carry that worker's nice value instead of the process's.
        _ = lb_take_process_nice()
        if let p = realtimePriority {
            let err = lb_set_realtime(p)
            if err != 0 {
                realtimeFailure = "--realtime: the kernel refused SCHED_FIFO priority \(p) for the event loop (\(String(cString: strerror(err))))"
                    + (err == EPERM ? "; it needs CAP_SYS_NICE (root has it unless a container drops it) or a real-time limit of at least \(p) (ulimit -r)" : "")
            }
        }
        started.signal()
        var ready: [() -> Void] = []
        var now = MonotonicClock.nowMicros()
        while !stopping {
            let next = earliestDeadline
            let timeout: Int64 = next == .max ? -1 : (next > now ? Int64(next - now) : 0)
            let n = Int(lb_epoll_ready_us(epollFD, fds, masks, 256, timeout))
            let stamp = MonotonicClock.nowMicros()
            if trace { traceWait(requested: timeout, from: now, to: stamp, n: n) }
            // Take the wake-up descriptor out of the batch; the rest are curl's sockets.
            var sockets = 0, woken = false
            for i in 0..<max(0, n) {
                if fds[i] == wakeFD { woken = true; continue }
                fds[sockets] = fds[i]; masks[sockets] = masks[i]; sockets += 1
            }
            let cpu0 = trace ? Self.threadCPU() : 0
            if sockets > 0, let handler { handler(fds, masks, sockets, stamp) }
            let t1 = trace ? MonotonicClock.nowMicros() : 0
            if woken {
                lb_eventfd_drain(wakeFD)
                lock.withLock { swap(&ready, &jobs); wakePending = false }
                for job in ready { job() }
                ready.removeAll(keepingCapacity: true)
            }
            let t2 = trace ? MonotonicClock.nowMicros() : 0
            // The timers' clock read is also the next wait's: nothing runs between them.
            now = fireDueTimers()
            if trace {
                let t3 = MonotonicClock.nowMicros()
                traceBusy(t3 &- stamp, phases: (t1 &- stamp, t2 &- t1, t3 &- t2), cpu: Self.threadCPU() &- cpu0)
            }
        }
        if trace { FileHandle.standardError.write(Data("loop: \(traceText)\n".utf8)) }
        timers.removeAll()
        // Work accepted before the loop ended still runs (a `sync` caller may be waiting for it).
        let left = lock.withLock { () -> [() -> Void] in
            exited = true
            defer { jobs.removeAll() }
            return jobs
        }
        for job in left { job() }
        Foundation.close(wakeFD)
        Foundation.close(epollFD)
    }

    // Diagnostics (LORABENCH_LOOP_TRACE=1): the longest busy turn and the latest wake-up past a timeout.
    private let trace = ProcessInfo.processInfo.environment["LORABENCH_LOOP_TRACE"] != nil
    private var maxBusy: UInt64 = 0, maxOversleep: Int64 = 0, turns = 0, longTurns = 0
    private var traceText: String { "\(turns) turns, \(longTurns) over 10 ms, longest \(maxBusy) µs (\(longest)), worst oversleep \(maxOversleep) µs, slowest timer #\(slowTimer.0) \(slowTimer.1) µs of \(timers.count)" }
    private func traceWait(requested: Int64, from: UInt64, to: UInt64, n: Int) {
        turns += 1
        if requested >= 0, n == 0 { maxOversleep = max(maxOversleep, Int64(to &- from) - requested) }
    }
    private var longest = ""
    private var slowTimer: (Int, UInt64) = (-1, 0)
    private func traceBusy(_ micros: UInt64, phases: (UInt64, UInt64, UInt64), cpu: UInt64) {
        if micros > maxBusy { longest = "sockets \(phases.0) µs, jobs \(phases.1) µs, timers \(phases.2) µs, on CPU \(cpu) µs" }
        maxBusy = max(maxBusy, micros)
        if micros > 10_000 { longTurns += 1 }
    }
    private static func threadCPU() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    /// Fires the due timers; returns the clock reading they were judged by, or a fresh one when some fired.
    private func fireDueTimers() -> UInt64 {
        let now = MonotonicClock.nowMicros()
        guard earliestDeadline <= now else { return now }
        for (i, t) in timers.enumerated() where t.deadline <= now {
            t.deadline = .max
            let a = trace ? MonotonicClock.nowMicros() : 0
            t.handler()
            if trace { let d = MonotonicClock.nowMicros() &- a; if d > slowTimer.1 { slowTimer = (i, d) } }
        }
        if cancelledSincePrune {
            cancelledSincePrune = false
            timers.removeAll { $0.cancelled }
        }
        // Handlers may have scheduled timers (each lowered the bound); the exact minimum covers them too.
        earliestDeadline = timers.reduce(UInt64.max) { min($0, $1.deadline) }
        return MonotonicClock.nowMicros()
    }

    private final class Timer: LoopTimer {
        unowned let loop: ThreadLoop
        let handler: () -> Void
        var deadline: UInt64 = .max
        var cancelled = false
        init(loop: ThreadLoop, handler: @escaping () -> Void) { self.loop = loop; self.handler = handler }
        func schedule(atMicros: UInt64) {
            loop.assertOnLoop()
            guard !cancelled else { return }
            deadline = atMicros
            if atMicros < loop.earliestDeadline { loop.earliestDeadline = atMicros }
        }
        func cancel() {
            loop.assertOnLoop()
            cancelled = true
            deadline = .max
            loop.cancelledSincePrune = true
        }
    }
}

/// A `sync` call crossing to the loop thread: the work to run there and its result.
private final class SyncBox<T>: @unchecked Sendable {  // @unchecked: written on the loop before `done` is signalled, read after.
    var work: (() -> T)?
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
