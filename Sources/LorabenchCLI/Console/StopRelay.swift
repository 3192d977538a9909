import Foundation
import LoadGen

/// Passes stop requests to whichever run is current, so a command that runs many (a sweep) arms one trap for all
/// of them; a request that comes between runs keeps the next one from starting.
final class StopRelay: @unchecked Sendable {  // @unchecked: state guarded by `lock`.
    private let lock = NSLock()
    private var runner: Runner?
    private var requests = 0

    /// How many stop requests have come (0: none; 1: graceful; 2 or more: immediate).
    var stopRequests: Int { lock.withLock { requests } }

    /// Makes `runner` the current run; a stop that came before it is passed on at once.
    func attach(_ runner: Runner) {
        let pending = lock.withLock { () -> Int in self.runner = runner; return requests }
        if pending >= 2 { runner.abort() } else if pending == 1 { runner.stop() }
    }

    func detach() { lock.withLock { runner = nil } }

    /// The first request stops the current run gracefully, later ones cut it off.
    func request() {
        let (count, current) = lock.withLock { () -> (Int, Runner?) in requests += 1; return (requests, runner) }
        if count >= 2 { current?.abort() } else { current?.stop() }
    }

    /// Arms the console's trap, printing what each request does; disarm the result when done.
    func trap(on console: Console, gracefulStop: Duration) -> SignalTrapping {
        console.signals.trap(first: { [self, console] in
            console.info("\nstopping: in-flight requests get \(DurationText.format(gracefulStop)) to finish (interrupt again to stop at once)")
            request()
        }, second: { [self, console] in
            console.info("aborting: cutting off in-flight requests")
            request()
        })
    }
}
