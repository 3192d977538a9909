import Foundation

/// A buffered CSV file written under a temporary name and renamed into place by `finish()`, so an interrupted
/// or crashed run never leaves a truncated file under the final name.
/// Threading: not thread-safe; the owner calls it from one queue.
public final class CSVLineWriter {
    public let path: String
    private let tmpPath: String
    private let handle: FileHandle
    private var buffer = Data()
    public private(set) var rows = 0

    public init(path: String, header: [String]) throws {
        self.path = path
        tmpPath = path + ".partial"
        guard FileManager.default.createFile(atPath: tmpPath, contents: nil), let h = FileHandle(forWritingAtPath: tmpPath) else {
            throw ResultWriteError(path: tmpPath, reason: String(cString: strerror(errno)))
        }
        handle = h
        append(header)
    }

    /// Appends one row (fields escaped as RFC 4180 needs).
    public func append(_ fields: [String]) {
        var line = ""
        for (i, f) in fields.enumerated() {
            if i > 0 { line += "," }
            line += Self.escape(f)
        }
        line += "\n"
        buffer.append(contentsOf: line.utf8)
        rows += 1
        if buffer.count >= 64 << 10 { try? flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { throw ResultWriteError(path: tmpPath, reason: "\(error)") }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file to its final name.
    public func finish() throws {
        try flush()
        try? handle.synchronize()
        try? handle.close()
        guard rename(tmpPath, path) == 0 else { throw ResultWriteError(path: path, reason: String(cString: strerror(errno))) }
    }

    public static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
