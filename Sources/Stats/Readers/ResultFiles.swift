import Foundation

/// Reading a run's files back (the readers beside the writers), for the offline commands and the sweep's resume,
/// with errors that name the file.
public enum ResultFiles {
    /// A summary.json, or the summary.json inside a run folder.
    public static func summary(at path: String) throws -> RunSummary {
        let file = isDirectory(path) ? path + "/summary.json" : path
        guard let data = FileManager.default.contents(atPath: file) else { throw SummaryReadError(message: "\(file): cannot be read") }
        return try RunSummary.read(data, source: file)
    }

    /// timeseries.csv beside a summary (or inside a run folder), as rows keyed by column; empty when absent.
    public static func timeseries(besides path: String) -> [[String: String]] { rows(of: "timeseries.csv", besides: path) }

    /// streaming.csv (tokens per second as they arrived) beside a summary; empty when absent (older runs).
    public static func streaming(besides path: String) -> [[String: String]] { rows(of: "streaming.csv", besides: path) }

    /// A small CSV of plain numeric cells beside a summary, as rows keyed by column.
    static func rows(of file: String, besides path: String) -> [[String: String]] {
        let dir = isDirectory(path) ? path : (path as NSString).deletingLastPathComponent
        guard let text = try? String(contentsOfFile: (dir.isEmpty ? "." : dir) + "/" + file, encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
