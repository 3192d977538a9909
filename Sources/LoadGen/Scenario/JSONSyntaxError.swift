import Foundation

/// Turns Foundation's JSON syntax errors ("around character 412") into the line and column a person edits.
enum JSONSyntaxError {
    /// "line 3, column 14: Invalid value" for a syntax error in `data`; Foundation's own text when it names no place.
    static func describe(_ error: Error, in data: Data) -> String {
        // JSONDecoder hides the position; JSONSerialization names it, so ask it for the same bytes.
        var detail = ScenarioLoader.describe(error)
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            if let d = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { detail = d }
        }
        if detail.contains("end of file") || detail.contains("Unexpected end") {
            let end = (data.lastIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }).map { $0 + 1 } ?? 0
            let (line, column) = position(ofByte: end - data.startIndex, in: data)
            return "line \(line), column \(column): unexpected end of file (unclosed object, array or string?)"
        }
        guard let range = detail.range(of: "around character "),
              let offset = Int(detail[range.upperBound...].prefix(while: \.isNumber)) else { return detail }
        let (line, column) = position(ofByte: offset, in: data)
        let what = detail[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        return "line \(line), column \(column): \(what.isEmpty ? "syntax error" : what.lowercased())"
    }

    /// 1-based line and column (in characters) of byte `offset`.
    static func position(ofByte offset: Int, in data: Data) -> (line: Int, column: Int) {
        let prefix = data.prefix(max(0, min(offset, data.count)))
        var line = 1
        var lineStart = prefix.startIndex
        for i in prefix.indices where prefix[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: prefix[lineStart...], as: UTF8.self).count + 1
        return (line, column)
    }
}
