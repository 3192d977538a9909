import Stats

/// The serial context the transport and the executors run on: curl's sockets (one epoll descriptor), timers and
/// work handed in from other threads. Two kinds exist so they can be measured against each other:
/// `DispatchLoop` (a serial queue, one read source on the epoll descriptor) and `ThreadLoop` (a thread of its own
/// blocked in `epoll_wait`). Everything given to a loop runs on it, one thing at a time.
protocol TransportLoop: AnyObject, Sendable {
    /// The level-triggered epoll descriptor curl's sockets are registered in.
    var epollFD: Int32 { get }
    /// Called on the loop with every ready socket of one `epoll_wait` (fds, curl masks, count) and the clock read
    /// taken when it returned. Set once, before any socket is watched.
    func onReady(_ handler: @escaping (_ fds: UnsafePointer<Int32>, _ masks: UnsafePointer<Int32>, _ count: Int, _ now: UInt64) -> Void)
    /// Runs `work` on the loop later.
    func async(_ work: @escaping @Sendable () -> Void)
    /// Runs `work` on the loop and waits for it (runs it at once when already on the loop).
    func sync<T>(_ work: () -> T) -> T
    /// Stops the process when called from anywhere but the loop (thread confinement).
    func assertOnLoop()
    /// True when the caller is running on the loop.
    var isOnLoop: Bool { get }
    /// The kernel thread id the loop runs on, when it is one thread for good (nil for a dispatch queue, whose
    /// work may run on any of libdispatch's threads).
    var threadID: Int32? { get }
    /// Why the loop could not be put under real-time scheduling when asked (`--realtime`); nil otherwise.
    var realtimeFailure: String? { get }
    /// A one-shot timer on the loop; `schedule` moves it, `cancel` stops it for good.
    func makeTimer(_ handler: @escaping () -> Void) -> LoopTimer
    /// Stops the loop once nothing more will be given to it; the epoll descriptor is closed.
    func close()
}

protocol LoopTimer: AnyObject {
    /// Fires once at monotonic time `atMicros` (at once if that has passed), replacing any earlier schedule.
    func schedule(atMicros: UInt64)
    func cancel()
}

/// Which loop a run uses: `LORABENCH_EVENT_LOOP=dispatch` or `thread` (the default; see README's performance section).
enum TransportLoopKind: String {
    case dispatch, thread

    static func fromEnvironment(_ env: [String: String]) -> TransportLoopKind {
        env["LORABENCH_EVENT_LOOP"].flatMap(TransportLoopKind.init(rawValue:)) ?? .thread
    }

    func make(label: String, realtime: Bool = false) -> TransportLoop {
        switch self {
        case .dispatch: return DispatchLoop(label: label, realtime: realtime)
        case .thread: return ThreadLoop(label: label, realtimePriority: realtime ? RealtimeLoop.priority : nil)
        }
    }
}

/// `--realtime`: the SCHED_FIFO priority of the event loops. Low among real-time priorities (the kernel's own
/// threads sit at 50 and 99), and the loop is asleep in `epoll_wait` most of the time (a few % of a core at 2,000
/// streams), so it takes the CPU only when bytes arrive. A loop that is itself saturated (thousands of connections
/// opening at once, ~100,000 token events/s) takes its core from everything else on it until the kernel's real-time
/// throttling (95 % by default) leaves them 5 %: a server sharing that core then stalls (one did for 14.7 s here).
enum RealtimeLoop {
    static let priority: Int32 = 10
}
