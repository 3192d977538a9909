import Foundation

/// Reads a file the scenario names without trusting what `stat` says about it: files under /proc and /sys claim
/// size 0 and may never end, a FIFO may never answer. Reading stops past the limit and never waits for data.
enum BoundedFile {
    /// Why the file cannot be used, as the end of a sentence that starts with its path.
    struct Refusal: Error { var reason: String }

    static func read(_ path: String, limit: Int) -> Result<Data, Refusal> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Refusal(reason: "cannot be read (\(String(cString: strerror(errno))))")) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return .failure(Refusal(reason: "is not a regular file")) }
        if st.st_size > limit { return .failure(Refusal(reason: "is \(st.st_size) bytes; the limit is \(limit) bytes")) }
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buf.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                return .failure(Refusal(reason: errno == EAGAIN ? "cannot be read without waiting (not a plain file)"
                                                               : "cannot be read (\(String(cString: strerror(errno))))"))
            }
            if n == 0 { return .success(data) }
            data.append(contentsOf: buf[0..<n])
            if data.count > limit {
                return .failure(Refusal(reason: "holds more than \(limit) bytes (a file under /proc or /sys?); the limit is \(limit) bytes"))
            }
        }
    }
}
