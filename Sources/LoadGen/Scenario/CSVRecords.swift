/// Splits CSV text into records (RFC 4180: comma-separated, fields in double quotes may hold commas, quotes
/// written twice and line breaks), each with the 1-based line it starts on, so errors can name the line.
enum CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
    }

    struct Malformed: Error {
        var line: Int
        var message: String
    }

    static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false, quotedField = false, afterQuote = false
        var line = 1, recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            quotedField = false
            afterQuote = false
        }
        while i < chars.count {
            let c = chars[i]
            i += 1
            if inQuotes {
                if c == "\"" {
                    if i < chars.count, chars[i] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case "\r":
                if i < chars.count, chars[i] == "\n" { continue }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            case "\"":
                guard field.isEmpty, !afterQuote else { throw Malformed(line: line, message: "a double quote inside an unquoted field (quote the whole field and double the quote)") }
                inQuotes = true; quotedField = true
            default:
                if afterQuote { throw Malformed(line: line, message: "text after a closing double quote") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw Malformed(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return records
    }
}
