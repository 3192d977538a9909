import Foundation

/// Picks and checks the results folder before anything is sent, so a bad `--out` fails early and clearly.
public enum ResultsDirectory {
    /// `results/<UTC timestamp>-<name>`, or the explicit folder; checked for writability and free space.
    public static func plan(explicit: String?, root: String, scenarioName: String, now: Date = Date()) throws -> String {
        let dir: String
        if let explicit {
            dir = explicit
        } else {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            var candidate = "\(root)/\(f.string(from: now))-\(scenarioName)"
            var n = 2
            while FileManager.default.fileExists(atPath: candidate) { candidate = "\(root)/\(f.string(from: now))-\(scenarioName)-\(n)"; n += 1 }
            dir = candidate
        }
        if FileManager.default.fileExists(atPath: dir + "/summary.json") {
            throw OutputError(message: "\(dir) already holds a run (summary.json); choose another --out")
        }
        let parent = explicit == nil ? root : (dir as NSString).deletingLastPathComponent.isEmpty ? "." : (dir as NSString).deletingLastPathComponent
        try makeDirectories(parent)
        let probe = parent + "/.lorabench-write-test-\(getpid())"
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else {
            throw OutputError(message: "results folder \(parent) is not writable (\(String(cString: strerror(errno))))")
        }
        unlink(probe)
        var fs = statvfs()
        if statvfs(parent, &fs) == 0 {
            let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            if free < 16 << 20 { throw OutputError(message: "results folder \(parent) has only \(free / 1024) KiB free; at least 16 MiB needed") }
        }
        return dir
    }

    /// Creates the planned folder (after the health check, so a failed start leaves nothing behind).
    public static func create(_ dir: String) throws { try makeDirectories(dir) }

    /// `mkdir -p` with the system's own reason on failure ("Not a directory", "Permission denied", …).
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw OutputError(message: "cannot create results folder \(path): \(prefix): \(String(cString: strerror(errno)))")
            }
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: prefix, isDirectory: &isDir) || !isDir.boolValue {
                throw OutputError(message: "cannot create results folder \(path): \(prefix) exists and is not a folder")
            }
        }
    }
}

/// The results folder cannot be used.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
