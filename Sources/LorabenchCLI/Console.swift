import Foundation

/// Terminal output helpers: results to stdout, diagnostics to stderr.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("lorabench: " + message + "\n").utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
