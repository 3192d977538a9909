import Foundation

/// A buffered CSV file written under a temporary name and renamed into place by `finish()`, so an interrupted
/// or crashed run never leaves a truncated file under the final name. A failed write is cut back to the last
/// whole row and remembered: the file stays valid CSV, nothing is written twice, and every later call reports it.
/// The same file discipline serves requests.jsonl through `appendLine` (a writer made with no header).
/// Threading: not thread-safe; the owner calls it from one queue.
public final class CSVLineWriter {
    public let path: String
    /// Where rows are written until `finish()` renames the file.
    public let tmpPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes on disk, all of them whole rows.
    private var written: off_t = 0
    public private(set) var rows = 0
    /// The first write that failed; once set, rows are no longer written.
    public private(set) var failure: ResultWriteError?

    public convenience init(path: String, header: [String]) throws {
        try self.init(path: path, header: Optional(header))
    }

    private init(path: String, header: [String]?) throws {
        self.path = path
        tmpPath = path + ".partial"
        fd = open(tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ResultFileMode.file)
        guard fd >= 0 else { throw ResultWriteError(path: tmpPath, reason: String(cString: strerror(errno))) }
        fchmod(fd, ResultFileMode.file)  // exactly, whatever the umask
        buffer.reserveCapacity(80 << 10)
        if let header {
            append(header)
            try flush()
        }
    }

    /// A line file without a header (JSON Lines goes through the same buffered, cut-back-on-failure writes).
    public convenience init(linesAt path: String) throws {
        try self.init(path: path, header: nil)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one line as is (no escaping; `line` holds no newline), for line formats other than CSV.
    public func appendLine(_ line: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= 64 << 10 { try? flush() }
    }

    /// Appends one row (fields escaped as RFC 4180 needs); a failed flush is kept in `failure`.
    public func append(_ fields: [String]) {
        appendRow { row in for f in fields { row.text(f) } }
    }

    /// Appends one row written field by field into the buffer itself (no `[String]`, no per-field `String`).
    public func appendRow(_ fill: (inout CSVRow) -> Void) {
        guard failure == nil else { return }
        // The buffer is moved into the row and back, so appending to it never copies it.
        var row = CSVRow(into: buffer)
        buffer = []
        fill(&row)
        buffer = row.takeBytes()
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= 64 << 10 { try? flush() }
    }

    /// Writes the buffered rows; on failure the file is cut back to its last whole row and the rows are dropped.
    public func flush() throws {
        if let failure { throw failure }
        guard !buffer.isEmpty, fd >= 0 else { return }
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let e = ResultWriteError(path: tmpPath, reason: n == 0 ? "nothing written" : String(cString: strerror(errno)))
                failure = e
                if ftruncate(fd, written) == 0 { lseek(fd, written, SEEK_SET) }
                buffer.removeAll()
                throw e
            }
            done += n
        }
        written += off_t(done)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file to its final name.
    public func finish() throws {
        try flush()
        fsync(fd)
        close(fd)
        fd = -1
        guard rename(tmpPath, path) == 0 else { throw ResultWriteError(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Closes the file and leaves it under its temporary name (the run could not be finished).
    public func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    /// One field as RFC 4180 wants it; control characters other than tab, CR and LF (a NUL a server sent, say)
    /// are written as visible `\u0000` text, so a CSV reader never meets a raw control byte.
    public static func escape(_ s: String) -> String {
        var row = CSVRow()
        row.text(s)
        return String(decoding: row.takeBytes(), as: UTF8.self)
    }
}
