import Foundation
import Stats

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
        try checkUsable(dir)
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

    /// Files a run writes; a folder holding any of them belongs to another run (finished, running or killed).
    public static let runFiles = ["summary.json", "requests.csv", "timeseries.csv", "requests.jsonl", "streaming.csv", "requests.csv.partial",
                                  "timeseries.csv.partial", "requests.jsonl.partial"]
    /// The lock file a running run holds (flock) in its folder; removed when the run ends.
    public static let lockName = ".lorabench.lock"

    /// Refuses a folder that is not one, or that holds another run's files.
    static func checkUsable(_ dir: String) throws {
        var st = stat()
        if lstat(dir, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK && stat(dir, &st) != 0 {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: dir)) ?? "?"
            throw OutputError(message: "\(dir) is a symbolic link to \(target), which does not exist")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else { return }
        if !isDir.boolValue { throw OutputError(message: "\(dir) exists and is not a folder; choose another --out") }
        let present = runFiles.filter { FileManager.default.fileExists(atPath: dir + "/" + $0) }
        guard !present.isEmpty else { return }
        if present.contains("summary.json") {
            throw OutputError(message: "\(dir) already holds a run (summary.json); choose another --out")
        }
        let killed = present.contains { $0.hasSuffix(".partial") }
        throw OutputError(message: "\(dir) holds another run's files (\(present.joined(separator: ", ")))"
                          + (killed ? ", left by a run that did not finish" : "") + "; choose another --out or remove them")
    }

    /// Creates the folder and takes its lock, so two runs never write into one folder; refuses a folder another
    /// run holds or has written to. Release the lock when the run's files are written.
    public static func claim(_ dir: String) throws -> ResultsLock {
        try makeDirectories(dir)
        let path = dir + "/" + lockName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, ResultFileMode.file)
        guard fd >= 0 else { throw OutputError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw OutputError(message: "another lorabench run is writing to \(dir); choose another --out")
        }
        do { try checkUsable(dir) } catch { close(fd); unlink(path); throw error }
        return ResultsLock(fd: fd, path: path)
    }

    /// Folders under `root` left by runs that were killed: `.partial` files, no summary.json, no run holding them.
    public static func leftovers(under root: String, limit: Int = 2000) -> [(folder: String, files: [String])] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var found: [(String, [String])] = []
        for name in names.sorted().prefix(limit) {
            let dir = root + "/" + name
            let partial = runFiles.filter { $0.hasSuffix(".partial") && FileManager.default.fileExists(atPath: dir + "/" + $0) }
            guard !partial.isEmpty, !FileManager.default.fileExists(atPath: dir + "/summary.json"), !isLocked(dir) else { continue }
            found.append((dir, partial))
        }
        return found
    }

    /// True while a run holds the folder's lock.
    static func isLocked(_ dir: String) -> Bool {
        let fd = open(dir + "/" + lockName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }

    /// `mkdir -p` with the system's own reason on failure ("Not a directory", "Permission denied", …).
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if mkdir(prefix, ResultFileMode.folder) != 0 && errno != EEXIST {
                throw OutputError(message: "cannot create results folder \(path): \(prefix): \(String(cString: strerror(errno)))")
            }
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: prefix, isDirectory: &isDir) || !isDir.boolValue {
                throw OutputError(message: "cannot create results folder \(path): \(prefix) exists and is not a folder")
            }
        }
    }
}

/// A results folder's lock, held (flock) for as long as a run writes there.
/// Threading: released once, by the run that took it.
public final class ResultsLock: @unchecked Sendable {  // @unchecked: `fd` is only changed by `release()`, called once by the owning run.
    private var fd: Int32
    private let path: String

    init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    /// Removes the lock file and lets the lock go (the folder then holds only the run's own files).
    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// The results folder cannot be used.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
