import Foundation

/// A fresh folder per test for the files a workload reads, removed afterwards.
struct TempFiles {
    let dir: URL

    init(_ label: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    /// Writes `text` to `name` in the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
}
