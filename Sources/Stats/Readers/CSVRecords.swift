/// RFC 4180 records read back from a result CSV (quoted fields may hold commas, quotes and newlines, as
/// `CSVLineWriter` writes them), with the line each record starts on so errors can say `file:line`.
public enum CSVRecords {
    /// Every record of `bytes`, header included; throws on an unterminated quote, naming `source` and the line.
    public static func parse(_ bytes: [UInt8], source: String) throws -> [(line: Int, fields: [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var line = 1, recordLine = 1
        var i = 0
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); wasQuoted = false }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    quoted = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
            } else if c == 0x22 && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if c == 0x2C {
                endField()
            } else if c == 0x0A || c == 0x0D {
                if c == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                endField()
                out.append((recordLine, fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw SummaryReadError(message: "\(source):\(recordLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endField(); out.append((recordLine, fields)) }
        return out
    }

    /// Milliseconds with up to three decimals (`12.345`, `-0.250`) as microseconds; nil when it is not such a number.
    public static func micros(_ text: String) -> Int64? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              let w = Int64(whole) else { return nil }
        var frac: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.count <= 3, f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(f) else { return nil }
            frac = v * [100, 10, 1][f.count - 1]
        }
        let m = w * 1000 + frac
        return negative ? -m : m
    }

    /// Microseconds as the CSVs write milliseconds (three decimals, a minus sign when negative).
    public static func msText(_ micros: Int64) -> String {
        micros >= 0 ? RequestsCSV.msText(UInt64(micros)) : "-" + RequestsCSV.msText(UInt64(-micros))
    }
}
