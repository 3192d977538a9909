import Foundation
import Stats

/// What a command writes to and reads from its surroundings: results to `out`, diagnostics to `err`, the
/// environment and the signal source. Tests pass buffers, a fixed environment and signals they fire themselves.
/// Threading: the writers may be called from any thread; each call writes one whole piece of text.
public final class Console: Sendable {
    public let environment: [String: String]
    /// Whether `err` is a terminal (the live progress line is drawn only there).
    public let stderrIsTerminal: Bool
    public let signals: SignalSource
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void

    public init(environment: [String: String], stderrIsTerminal: Bool, signals: SignalSource,
                out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.environment = environment
        self.stderrIsTerminal = stderrIsTerminal
        self.signals = signals
        writeOut = out
        writeErr = err
    }

    /// The process's own stdout, stderr, environment and SIGINT/SIGTERM/SIGHUP. SIGPIPE is ignored: a reader
    /// that went away must not kill a run before it writes its results.
    public static func standard() -> Console {
        signal(SIGPIPE, SIG_IGN)
        return Console(environment: ProcessInfo.processInfo.environment, stderrIsTerminal: isatty(STDERR_FILENO) == 1,
                       signals: ProcessSignals(),
                       out: { writeAll(STDOUT_FILENO, $0) },
                       err: { writeAll(STDERR_FILENO, $0) })
    }

    /// Writes the whole text with write(2); a closed, full or broken stream (EBADF, ENOSPC, EPIPE, EIO) is
    /// ignored, since diagnostics that cannot be shown must not stop a run (the result files still hold it all).
    static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }

    /// A result line on stdout.
    public func print(_ text: String, terminator: String = "\n") { writeOut(text + terminator) }

    /// A diagnostic on stderr, prefixed so it stands out among results.
    public func error(_ message: String) { writeErr("lorabench: " + message + "\n") }

    /// A progress message on stderr.
    public func info(_ message: String) { writeErr(message + "\n") }

    /// Raw text on stderr (the live progress line redraws itself with ANSI codes).
    public func draw(_ text: String) { writeErr(text) }
}

/// Captured text of a command run in-process (tests), safe to append from any thread.
public final class CapturedText: @unchecked Sendable {  // @unchecked: `text` is guarded by `lock`.
    private let lock = NSLock()
    private var buffer = ""

    public init() {}

    public func append(_ s: String) { lock.withLock { buffer += s } }

    public var text: String { lock.withLock { buffer } }
}

extension Console {
    /// Reads saved runs named on the command line; nil (with the reason printed) when one cannot be read.
    func readSummaries(_ paths: [String]) -> [RunSummary]? {
        do { return try paths.map(ResultFiles.summary) } catch {
            self.error("\(error)")
            return nil
        }
    }
}
