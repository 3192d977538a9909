import Foundation
import LoadGen
import Stats

/// The live one-line progress display on a terminal, redrawn in place once a second and cleared at the end.
final class ProgressLine: RunCollector, @unchecked Sendable {  // @unchecked: immutable; the console is thread-safe.
    private let console: Console

    init(console: Console) { self.console = console }

    func observe(_ p: RunProgress) {
        console.draw("\r\u{1B}[K" + Self.text(p))
    }

    func finish(resultsDirectory: String) {
        console.draw("\r\u{1B}[K")
    }

    /// The line itself, without the redraw codes.
    static func text(_ p: RunProgress) -> String {
        let ttft = p.ttftP50Micros.map { RequestsCSV.msText($0) + "ms" } ?? "-"
        return String(format: "  %3.0fs/%.0fs  VUs %d  req/s %d  tok/s %d  p50 TTFT %@  ok %d  errors %d",
                      p.elapsedSeconds, p.scheduledSeconds, p.activeVUs, p.interval.requests, p.interval.outputTokens, ttft,
                      p.succeeded, p.failed)
    }
}
