import Foundation

/// The permissions of every result file and folder lorabench writes: owner read-write, group read, others nothing
/// (results may name internal hosts and adapters; secrets are redacted before writing, this is the second line).
public enum ResultFileMode {
    public static let file: mode_t = 0o640
    public static let folder: mode_t = 0o750
}

/// Writes result files so a reader never sees half of one: a temporary name in the same folder, then rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ResultFileMode.file)
        guard fd >= 0 else { throw ResultWriteError(path: path, reason: String(cString: strerror(errno))) }
        fchmod(fd, ResultFileMode.file)
        var failure: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n == 0 ? "nothing written" : String(cString: strerror(errno)); return }
                done += n
            }
        }
        if failure == nil && fsync(fd) != 0 && errno != EINVAL { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(tmp)
            throw ResultWriteError(path: path, reason: failure)
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw ResultWriteError(path: path, reason: reason)
        }
    }
}

/// A result file that could not be written.
public struct ResultWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "cannot write \(path): \(reason)" }
}
