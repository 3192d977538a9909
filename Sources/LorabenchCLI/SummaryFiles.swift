import Foundation
import Stats

/// Reading results back for the offline commands (`report`, `compare`, `merge`), with errors that name the file.
enum SummaryFiles {
    /// A summary.json, or the summary.json inside a run folder.
    static func read(_ path: String) throws -> RunSummary {
        var isDir: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue ? path + "/summary.json" : path
        guard let data = FileManager.default.contents(atPath: file) else { throw SummaryReadError(message: "\(file): cannot be read") }
        return try RunSummary.read(data, source: file)
    }

    /// timeseries.csv beside a summary, as rows keyed by column (empty when absent).
    static func timeseries(besides path: String) -> [[String: String]] {
        var isDir: ObjCBool = false
        let dir = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        guard let text = try? String(contentsOfFile: (dir.isEmpty ? "." : dir) + "/timeseries.csv", encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
