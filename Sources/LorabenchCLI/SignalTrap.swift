import Dispatch
import Foundation

/// SIGINT/SIGTERM as events: the first asks for a graceful stop, the second for an immediate one.
/// Threading: handlers run on a private serial queue.
final class SignalTrap: @unchecked Sendable {  // @unchecked: `count` is only touched on `queue`.
    private let queue = DispatchQueue(label: "lorabench.signals")
    private var sources: [DispatchSourceSignal] = []
    private var count = 0

    init(first: @escaping @Sendable () -> Void, second: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
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

    var triggered: Bool { queue.sync { count > 0 } }

    /// Restores default signal handling.
    func disarm() {
        for s in sources { s.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
