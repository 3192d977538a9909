import Dispatch
import Foundation

/// Where stop requests come from: the first asks for a graceful stop, the second for an immediate one.
public protocol SignalSource: Sendable {
    /// Calls `first` on the first stop request and `second` on every later one, until the trap is disarmed.
    func trap(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) -> SignalTrapping
}

/// An armed trap; disarming restores what was there before.
public protocol SignalTrapping: Sendable {
    func disarm()
}

/// SIGINT, SIGTERM and SIGHUP of this process (a closed terminal stops a run the way SIGTERM does).
public struct ProcessSignals: SignalSource {
    public init() {}

    public func trap(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) -> SignalTrapping {
        SignalTrap(first: first, second: second)
    }
}

/// SIGINT/SIGTERM/SIGHUP as events: the first asks for a graceful stop, the second for an immediate one.
/// Threading: handlers run on a private serial queue.
final class SignalTrap: SignalTrapping, @unchecked Sendable {  // @unchecked: `count` and `sources` are only touched on `queue`.
    private let queue = DispatchQueue(label: "lorabench.signals")
    private static let onQueueKey = DispatchSpecificKey<Bool>()
    private var sources: [DispatchSourceSignal] = []
    private var count = 0

    init(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) {
        queue.setSpecific(key: Self.onQueueKey, value: true)
        queue.sync {
            for sig in Self.signals {
                signal(sig, SIG_IGN)
                let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                s.setEventHandler { [unowned self] in
                    self.count += 1
                    if self.count == 1 { first() } else { second() }
                }
                s.resume()
                sources.append(s)
            }
        }
    }

    /// The signals that stop a run.
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Restores default signal handling; safe from inside a handler too (dispatch traps on a sync to its own queue).
    func disarm() {
        let cancel = { [self] in
            for s in sources { s.cancel() }
            sources.removeAll()
        }
        if DispatchQueue.getSpecific(key: Self.onQueueKey) == true { cancel() } else { queue.sync(execute: cancel) }
        for sig in Self.signals { signal(sig, SIG_DFL) }
    }
}

/// Stop requests a test sends itself (`interrupt()`), instead of process signals.
public final class ManualSignals: SignalSource, @unchecked Sendable {  // @unchecked: state guarded by `lock`.
    private let lock = NSLock()
    private var handlers: (first: @Sendable () -> Void, second: @Sendable () -> Void)?
    private var count = 0

    public init() {}

    public func trap(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) -> SignalTrapping {
        lock.withLock { handlers = (first, second); count = 0 }
        return Disarm(owner: self)
    }

    /// Acts as one SIGINT: the first call stops gracefully, later ones at once; false when no trap is armed.
    @discardableResult
    public func interrupt() -> Bool {
        let action: (@Sendable () -> Void)? = lock.withLock {
            guard let h = handlers else { return nil }
            count += 1
            return count == 1 ? h.first : h.second
        }
        action?()
        return action != nil
    }

    private struct Disarm: SignalTrapping {
        let owner: ManualSignals
        func disarm() { owner.lock.withLock { owner.handlers = nil } }
    }
}
