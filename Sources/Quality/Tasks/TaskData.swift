import CSV
import Foundation
import Stats

/// A task's dataset as rows of text fields, each with the line it starts on. Two layouts are read: JSON Lines
/// (`.jsonl`, one JSON object per line; blank lines skipped) and CSV (`.csv`, RFC 4180 with a header row).
/// Anything else (`.json`, `.parquet`, `.tsv`, …) is refused by name, since guessing a layout would score the wrong column.
public enum TaskData {
    /// One row and the line of the file it starts on (1-based).
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String: String]
    }

    /// The layouts read, by file extension.
    public static let extensions = ["jsonl", "csv"]
    /// Largest data file read (256 MiB): a task is a few thousand rows, not a corpus.
    public static let maxBytes = 256 << 20

    /// Reads `path`; `shownPath` is how errors name it.
    public static func read(path: String, shownPath: String) throws -> (columns: [String], rows: [Row]) {
        let ext = (path as NSString).pathExtension.lowercased()
        guard extensions.contains(ext) else {
            throw TaskError(shownPath, "unsupported data layout \"\(ext.isEmpty ? "(no extension)" : "." + ext)\": lorabench reads "
                            + "JSON Lines (.jsonl, one object per line) and CSV (.csv, with a header row)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw TaskError(shownPath, "data file not found")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else { throw TaskError(shownPath, "data file is \(size) bytes, over the \(maxBytes)-byte limit") }
        guard let data = FileManager.default.contents(atPath: path) else { throw TaskError(shownPath, "cannot read the data file") }
        guard let text = String(data: data, encoding: .utf8) else { throw TaskError(shownPath, "data file is not UTF-8 text") }
        return ext == "jsonl" ? try jsonLines(text, shownPath: shownPath) : try csv(text, shownPath: shownPath)
    }

    /// One JSON object per line; strings are kept as is, numbers and booleans as their JSON text, null as "",
    /// arrays and objects as compact JSON.
    static func jsonLines(_ text: String, shownPath: String) throws -> (columns: [String], rows: [Row]) {
        var rows: [Row] = []
        var columns: [String] = []
        var seen = Set<String>()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let value = try? JSONValue.parse(Data(trimmed.utf8)), case .object(let object) = value else {
                throw TaskError("\(shownPath):\(i + 1)", "not a JSON object (JSON Lines needs one object per line)")
            }
            var fields: [String: String] = [:]
            for key in object.keys.sorted() {
                fields[key] = Self.text(object[key]!)
                if seen.insert(key).inserted { columns.append(key) }
            }
            rows.append(Row(line: i + 1, fields: fields))
        }
        return (columns, rows)
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: return value.encodedString()
        }
    }

    /// CSV with a header row; a row with a different number of fields than the header is an error at its line.
    static func csv(_ text: String, shownPath: String) throws -> (columns: [String], rows: [Row]) {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw TaskError(shownPath, "not readable as CSV: \(error)")
        }
        guard let header = reader.headerRow, !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else {
            throw TaskError(shownPath, "CSV has no header row")
        }
        if let dup = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw TaskError("\(shownPath):1", "column \"\(dup)\" appears twice in the header")
        }
        // Lines are counted from the raw fields, since a quoted field may span several.
        var line = 2 + header.reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
        var rows: [Row] = []
        while let fields = reader.next() {
            let start = line
            line += 1 + fields.reduce(0) { $0 + $1.filter { $0 == "\n" }.count }
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count == header.count else {
                throw TaskError("\(shownPath):\(start)", "\(fields.count) fields where the header has \(header.count)")
            }
            rows.append(Row(line: start, fields: Dictionary(uniqueKeysWithValues: zip(header, fields))))
        }
        if let e = reader.error { throw TaskError("\(shownPath):\(line)", "not readable as CSV: \(e)") }
        return (header, rows)
    }
}
