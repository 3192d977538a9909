import Stats

/// A parsed JSON value, used for request bodies and config files.
///
/// Why our own: we need serde-like error messages (with line and column) to mimic axum's
/// plain-text rejections, and we want no Foundation dependency on the request path.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Value of a key in an object (last one wins, like serde_json maps), nil otherwise.
    subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    /// Short serde-style description of the value's type, for error messages.
    var serdeKind: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return "boolean `\(b)`"
        case let .number(n): return n == n.rounded() && abs(n) < 1e15 ? "integer `\(Int64(n))`" : "floating point `\(n)`"
        case let .string(s): return "string \"\(s)\""
        case .array: return "sequence"
        case .object: return "map"
        }
    }

    /// Serializes compactly (keys in stored order).
    func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n):
            if n == n.rounded(), abs(n) < 1e15 { out += String(Int64(n)) } else { out += String(n) }
        case let .string(s): JSONEscape.append(s, to: &out)
        case let .array(a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(to: &out) }
            out += "]"
        case let .object(o):
            out += "{"
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out += "," }
                JSONEscape.append(k, to: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        }
    }
}

/// A JSON syntax error with serde_json-like wording ("expected value at line 1 column 1").
struct JSONSyntaxError: Error, CustomStringConvertible {
    var message: String
    var line: Int
    var column: Int
    var description: String { "\(message) at line \(line) column \(column)" }
}

/// A strict recursive-descent JSON parser over UTF-8 bytes (RFC 8259; depth-limited).
struct JSONParser {
    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0
    private static let maxDepth = 128

    /// Parses one complete JSON document; trailing non-whitespace is an error.
    static func parse<C: Collection>(_ data: C) throws -> JSONValue where C.Element == UInt8 {
        var p = JSONParser(bytes: Array(data))
        p.skipWS()
        let v = try p.value()
        p.skipWS()
        if p.pos < p.bytes.count { throw p.error("trailing characters") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ msg: String) -> JSONSyntaxError {
        var line = 1, col = 0
        var i = 0
        while i < min(pos + 1, bytes.count) {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; col = 0 } else { col += 1 }
            i += 1
        }
        if bytes.isEmpty || pos >= bytes.count { col = max(col, 0) }
        return JSONSyntaxError(message: msg, line: line, column: col)
    }

    private mutating func skipWS() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    private mutating func value() throws -> JSONValue {
        guard pos < bytes.count else { throw error("EOF while parsing a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected value")
        }
    }

    private mutating func literal(_ word: String) throws {
        for c in word.utf8 {
            guard pos < bytes.count else { throw error("EOF while parsing a value") }
            guard bytes[pos] == c else { throw error("expected ident") }
            pos += 1
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
            let s = p
            while p < b.count, b[p] >= 0x30, b[p] <= 0x39 { p += 1 }
            return p - s
        }
        guard digits(&pos, bytes) > 0 else { throw error("invalid number") }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits(&pos, bytes) > 0 else { throw error("invalid number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits(&pos, bytes) > 0 else { throw error("invalid number") }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let d = Double(text) else { throw error("invalid number") }
        return .number(d)
    }

    private mutating func string() throws -> String {
        pos += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = pos
        var out = ""
        func flushRun(_ end: Int) {
            if end > runStart { out += String(decoding: bytes[runStart..<end], as: UTF8.self) }
        }
        while true {
            guard pos < bytes.count else { throw error("EOF while parsing a string") }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                flushRun(pos)
                pos += 1
                return out
            } else if b == UInt8(ascii: "\\") {
                flushRun(pos)
                pos += 1
                guard pos < bytes.count else { throw error("EOF while parsing a string") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{08}"
                case UInt8(ascii: "f"): out += "\u{0C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                        else { throw error("unexpected end of hex escape") }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("lone leading surrogate in hex escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(code) else { throw error("invalid unicode code point") }
                    scalars.removeAll()
                    scalars.append(u)
                    out += String(scalars)
                default: throw error("invalid escape")
                }
                runStart = pos
            } else if b < 0x20 {
                throw error("control character (\\u0000-\\u001F) found while parsing a string")
            } else {
                pos += 1
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("EOF while parsing a string") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw error("invalid escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    private mutating func array() throws -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("recursion limit exceeded") }
        defer { depth -= 1 }
        pos += 1
        var items: [JSONValue] = []
        skipWS()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWS()
            items.append(try value())
            skipWS()
            guard pos < bytes.count else { throw error("EOF while parsing a list") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw error("expected `,` or `]`")
        }
    }

    private mutating func object() throws -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("recursion limit exceeded") }
        defer { depth -= 1 }
        pos += 1
        var members: [(String, JSONValue)] = []
        skipWS()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWS()
            guard pos < bytes.count else { throw error("EOF while parsing an object") }
            guard bytes[pos] == UInt8(ascii: "\"") else { throw error("key must be a string") }
            let key = try string()
            skipWS()
            guard pos < bytes.count else { throw error("EOF while parsing an object") }
            guard bytes[pos] == UInt8(ascii: ":") else { throw error("expected `:`") }
            pos += 1
            skipWS()
            members.append((key, try value()))
            skipWS()
            guard pos < bytes.count else { throw error("EOF while parsing an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw error("expected `,` or `}`")
        }
    }
}
