/// One label of a sample, its value unescaped.
public struct PromLabel: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// One sample line of an exposition: `name{labels} value [timestamp]`, exemplars dropped.
public struct PromSample: Sendable, Equatable {
    public var name: String
    public var labels: [PromLabel]
    public var value: Double
    /// As written (milliseconds in the Prometheus format, seconds in OpenMetrics); kept only for the record.
    public var timestamp: Double?

    /// The value of one label, or nil.
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    public static func == (a: PromSample, b: PromSample) -> Bool {
        a.name == b.name && a.labels == b.labels && (a.value == b.value || (a.value.isNaN && b.value.isNaN)) && a.timestamp == b.timestamp
    }
}

/// A metric family's declared type (`# TYPE`); anything unrecognised is `untyped`.
public enum PromType: String, Sendable, Codable {
    case counter, gauge, histogram, summary, untyped, info, stateset, gaugehistogram
}

/// One parsed scrape: its samples in file order, the declared types, and the lines that could not be read.
public struct PromExposition: Sendable {
    public var samples: [PromSample] = []
    /// Family name → declared type.
    public var types: [String: PromType] = [:]
    /// Lines that were neither a comment nor a readable sample (skipped).
    public var badLines = 0
    /// The first unreadable line's number (1-based) and why, for the warning.
    public var firstBadLine: (line: Int, reason: String)?
    /// True when the sample cap was reached and the rest of the body was ignored.
    public var truncated = false

    public init() {}
}

/// A hand-written reader of the Prometheus text exposition format (and the OpenMetrics text it overlaps with):
/// no Swift parser library exists, and a load tester must survive whatever a server sends without trapping.
public enum PrometheusText {
    /// Samples beyond this many are ignored (a hostile body cannot make memory grow without bound).
    public static let maxSamples = 200_000

    /// Parses a whole body; never throws: unreadable lines are counted and skipped.
    public static func parse(_ text: String) -> PromExposition { parse(Array(text.utf8)) }

    /// Parses a whole body given as bytes (invalid UTF-8 is replaced, not fatal).
    public static func parse(_ bytes: [UInt8]) -> PromExposition {
        var out = PromExposition()
        bytes.withUnsafeBufferPointer { buf in
            var start = 0
            var lineNo = 0
            while start < buf.count {
                var end = start
                while end < buf.count && buf[end] != 0x0A { end += 1 }
                lineNo += 1
                var stop = end
                if stop > start && buf[stop - 1] == 0x0D { stop -= 1 }
                var cursor = Cursor(buf: buf, i: start, end: stop)
                switch parseLine(&cursor, into: &out) {
                case .ok: break
                case .eof: return
                case .bad(let reason):
                    out.badLines += 1
                    if out.firstBadLine == nil { out.firstBadLine = (lineNo, reason) }
                }
                if out.samples.count >= maxSamples { out.truncated = true; return }
                start = end + 1
            }
        }
        return out
    }

    private enum LineResult { case ok, eof, bad(String) }

    private struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        var i: Int
        let end: Int
        var atEnd: Bool { i >= end }
        var peek: UInt8 { buf[i] }
        mutating func skipSpace() { while i < end && (buf[i] == 0x20 || buf[i] == 0x09) { i += 1 } }
        func text(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: buf[from..<to]), as: UTF8.self) }
        /// The next run of non-blank bytes.
        mutating func token() -> String {
            let s = i
            while i < end && buf[i] != 0x20 && buf[i] != 0x09 { i += 1 }
            return text(s, i)
        }
        /// A metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (colons are not valid in label names; accepted anyway).
        mutating func name() -> String? {
            let s = i
            while i < end {
                let c = buf[i]
                let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || (i > s && c >= 0x30 && c <= 0x39)
                if !ok { break }
                i += 1
            }
            return i > s ? text(s, i) : nil
        }
        /// A double-quoted string with `\\`, `\"` and `\n` escapes; the cursor is on the opening quote.
        mutating func quoted() -> String? {
            guard i < end, buf[i] == 0x22 else { return nil }
            i += 1
            var bytes: [UInt8] = []
            while i < end {
                let c = buf[i]
                if c == 0x22 { i += 1; return String(decoding: bytes, as: UTF8.self) }
                if c == 0x5C, i + 1 < end {
                    let n = buf[i + 1]
                    switch n {
                    case 0x5C: bytes.append(0x5C)
                    case 0x22: bytes.append(0x22)
                    case 0x6E: bytes.append(0x0A)
                    default: bytes.append(0x5C); bytes.append(n)  // not an escape the format knows: kept as written
                    }
                    i += 2
                    continue
                }
                bytes.append(c)
                i += 1
            }
            return nil
        }
    }

    private static func parseLine(_ c: inout Cursor, into out: inout PromExposition) -> LineResult {
        c.skipSpace()
        if c.atEnd { return .ok }
        if c.peek == 0x23 { return comment(&c, into: &out) }
        var name = c.name()
        var labels: [PromLabel] = []
        c.skipSpace()
        if !c.atEnd && c.peek == 0x7B {  // {
            c.i += 1
            while true {
                c.skipSpace()
                if c.atEnd { return .bad("unterminated label set") }
                if c.peek == 0x7D { c.i += 1; break }  // }
                let labelName: String
                if c.peek == 0x22 {
                    guard let q = c.quoted() else { return .bad("unterminated quoted name") }
                    c.skipSpace()
                    // A quoted string standing alone in the braces is the metric's (UTF-8) name.
                    if !c.atEnd && (c.peek == 0x2C || c.peek == 0x7D) {
                        if name != nil { return .bad("two metric names") }
                        name = q
                        if c.peek == 0x2C { c.i += 1 }
                        continue
                    }
                    labelName = q
                } else {
                    guard let n = c.name() else { return .bad("expected a label name") }
                    labelName = n
                }
                c.skipSpace()
                guard !c.atEnd, c.peek == 0x3D else { return .bad("expected '=' after label \(labelName)") }
                c.i += 1
                c.skipSpace()
                guard let v = c.quoted() else { return .bad("expected a quoted value for label \(labelName)") }
                labels.append(PromLabel(labelName, v))
                c.skipSpace()
                if !c.atEnd && c.peek == 0x2C { c.i += 1; continue }
                if !c.atEnd && c.peek == 0x7D { c.i += 1; break }
                return .bad("expected ',' or '}' in the label set")
            }
        }
        guard let metric = name else { return .bad("expected a metric name") }
        c.skipSpace()
        if c.atEnd { return .bad("no value") }
        guard let value = number(c.token()) else { return .bad("value is not a number") }
        c.skipSpace()
        var timestamp: Double?
        if !c.atEnd && c.peek != 0x23 {
            guard let t = number(c.token()), t.isFinite else { return .bad("timestamp is not a number") }
            timestamp = t
            c.skipSpace()
        }
        // Anything left must be an exemplar (`# {labels} value [ts]`, OpenMetrics), which is ignored.
        if !c.atEnd && c.peek != 0x23 { return .bad("unexpected text after the value") }
        out.samples.append(PromSample(name: metric, labels: labels, value: value, timestamp: timestamp))
        return .ok
    }

    private static func comment(_ c: inout Cursor, into out: inout PromExposition) -> LineResult {
        c.i += 1
        c.skipSpace()
        let word = c.token()
        switch word {
        case "EOF": return .eof
        case "TYPE":
            c.skipSpace()
            let family: String?
            if !c.atEnd && c.peek == 0x22 { family = c.quoted() } else { family = c.name() }
            guard let family else { return .ok }  // a malformed comment is still a comment
            c.skipSpace()
            out.types[family] = PromType(rawValue: c.token().lowercased()) ?? .untyped
            return .ok
        default: return .ok  // HELP, UNIT and free comments
        }
    }

    /// A sample value or timestamp: Go's ParseFloat forms plus `+Inf`, `-Inf`, `NaN` in any case.
    static func number(_ s: String) -> Double? {
        // The common case (every bucket bound and most values): a decimal without separators, read as is. Nothing
        // below could change it (the words start with a letter, there is no `_` to drop), and the lowercased copy
        // and Foundation's replacement cost ~14 k instructions a number (callgrind: most of a scrape's grouping).
        let u = s.utf8
        if let n = exactInteger(u) { return n }
        if u.count <= 400, let first = u.first, Self.isDigit(first) || first == 0x2E
            || ((first == 0x2D || first == 0x2B) && u.count > 1 && Self.isDigit(u[u.index(after: u.startIndex)])), !u.contains(0x5F) {
            return Double(s)
        }
        if s.isEmpty || s.count > 400 { return nil }
        switch s.lowercased() {
        case "+inf", "inf", "+infinity", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        let t = s.replacingOccurrences(of: "_", with: "")  // Go accepts digit separators
        return Double(t)
    }

    /// Up to 15 digits with an optional sign: every counter and bucket count, read without strtod (~1.5 k
    /// instructions a number through `Double(String)`). Exact: an integer below 10^15 < 2^53 is a Double as is,
    /// and `-0` stays negative zero as `Double("-0")` has it.
    private static func exactInteger(_ u: String.UTF8View) -> Double? {
        var i = u.startIndex
        guard i != u.endIndex else { return nil }
        let sign = u[i]
        if sign == 0x2D || sign == 0x2B { i = u.index(after: i) }
        guard i != u.endIndex, u.distance(from: i, to: u.endIndex) <= 15 else { return nil }
        var n: UInt64 = 0
        while i != u.endIndex {
            let c = u[i]
            guard isDigit(c) else { return nil }
            n = n * 10 + UInt64(c - 0x30)
            i = u.index(after: i)
        }
        return sign == 0x2D ? -Double(n) : Double(n)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
