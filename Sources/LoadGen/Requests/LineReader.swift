import Foundation

/// Reads a file line by line through a fixed buffer, so a trace of any length costs the same memory.
final class LineReader {
    /// Longest line accepted; a longer one is an error, not a growing buffer.
    static let maxLineBytes = 1 << 20
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    private(set) var lineNumber = 0

    struct Failure: Error { var message: String }

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(message: "cannot be read (\(String(cString: strerror(errno))))") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { close(fd); throw Failure(message: "is not a regular file") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The next line without its line break (a trailing `\r` dropped); nil at the end of the file.
    func next() throws -> Substring? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                lineNumber += 1
                return Substring(line)
            }
            if buffer.count - start > Self.maxLineBytes { throw Failure(message: "line \(lineNumber + 1) is longer than \(Self.maxLineBytes) bytes") }
            if eof {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                lineNumber += 1
                return Substring(line)
            }
            if start > 0 { buffer.removeFirst(start); start = 0 }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot be read (\(String(cString: strerror(errno))))")
            }
            if n == 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
    }
}
