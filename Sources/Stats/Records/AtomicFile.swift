import Foundation

/// Writes result files so a reader never sees half of one: a temporary name in the same folder, then rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw ResultWriteError(path: path, reason: String(cString: strerror(errno)))
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
    public var description: String { "cannot write \(path): \(reason)" }
}
