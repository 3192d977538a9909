import NIOCore

/// One replica's adapter scheduler: the active set (at most `max_active_adapters` non-base adapters
/// loaded or loading), the pending FIFO, idle offload and time-slice swaps, and one serial loader
/// that loads cold adapters one after another, `adapter_load_ms` each.
///
/// Threading: engine-loop confined, like the `Engine` that owns it; the loader's completion is a
/// task on the same loop. `@unchecked Sendable` only so that NIO's `@Sendable` task closure can
/// capture it; that closure runs on `loop`.
final class AdapterScheduler: @unchecked Sendable {
    private let loop: EventLoop
    private let config: SimConfig
    private let shared: SharedState
    private var adapters: [String: AdapterState] = [:]
    private var pending: [AdapterState] = []
    private var ready: [AdapterState] = []  // non-base, in activation order
    private var loaderQueue: [AdapterState] = []
    private var loading: AdapterState?  // the serial loader is busy while this is set
    private var activeCount = 0
    private var stopped = false

    /// Called on `loop` when an adapter finished loading, with the instant it became ready.
    var onReady: (UInt64) -> Void = { _ in }

    init(loop: EventLoop, config: SimConfig, shared: SharedState) {
        self.loop = loop
        self.config = config
        self.shared = shared
        adapters[""] = AdapterState(name: "")
    }

    /// Non-base adapters loaded (Ready) right now.
    var loadedCount: Int { ready.count }

    /// The adapter with this id, created inactive on first use.
    func adapter(named name: String) -> AdapterState {
        if let a = adapters[name] { return a }
        let a = AdapterState(name: name)
        adapters[name] = a
        return a
    }

    /// Counts one more request queued for `a` and puts an inactive adapter on the pending FIFO;
    /// returns true when the request is cold (its adapter is not ready).
    func enqueue(for a: AdapterState) -> Bool {
        a.queued += 1
        guard a.status != .ready else { return false }
        if a.status == .inactive {
            a.status = .pending
            pending.append(a)
        }
        return true
    }

    /// Makes room for pending adapters (offloads idle ones, swaps one out past its cycle time) and
    /// promotes pending adapters into free slots, starting the loader. Returns the adapter swapped
    /// out while requests still wait for it, so the caller can mark those requests cold.
    func update(now: UInt64) -> AdapterState? {
        guard !pending.isEmpty else { return nil }
        var swappedWithQueue: AdapterState?
        // Offload idle adapters (nothing queued, not in the batch) while others wait for a slot.
        var i = 0
        while i < ready.count && config.maxActiveAdapters - activeCount < pending.count {
            let a = ready[i]
            if a.queued == 0 && a.inBatch == 0 {
                ready.remove(at: i)
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
            if let idx = ready.firstIndex(where: { $0.inBatch == 0 && now &- $0.activatedAt > cycle }) {
                let a = ready.remove(at: idx)
                activeCount -= 1
                shared.adapterEvicted()
                if a.queued > 0 {
                    a.status = .pending
                    pending.append(a)
                    swappedWithQueue = a
                } else {
                    a.status = .inactive
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
        return swappedWithQueue
    }

    /// Starts loading the next queued adapter unless the loader is busy.
    func runLoader() {
        guard loading == nil, !loaderQueue.isEmpty, !stopped else { return }
        loading = loaderQueue.removeFirst()
        loop.scheduleTask(in: .nanoseconds(Int64(config.adapterLoadMs * 1e6))) { [self] in
            guard let a = self.loading else { return }
            self.loading = nil
            a.status = .ready
            a.activatedAt = monoNanos()
            self.ready.append(a)
            self.shared.adapterLoaded()
            self.onReady(a.activatedAt)
        }
    }

    /// No new loads start after this.
    func stop() { stopped = true }
}
