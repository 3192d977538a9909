import Foundation

/// One arrival of a trace as read from its line: when, and what the line says about the request.
public struct TraceEntry: Sendable, Equatable {
    /// 1-based line in the file.
    public var line: Int
    /// The line's timestamp in microseconds, on the trace's own clock (not yet relative to the first line, not scaled).
    public var timestampMicros: Int64
    public var adapter: String?
    public var prompt: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var session: String?
    /// Mooncake's prefix block hashes: requests sharing leading hashes share leading prompt bytes.
    public var hashIds: [Int] = []
}

/// The trace layouts lorabench reads, each line parsed on its own so a trace is streamed, never loaded whole.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// lorabench's JSONL: `{"t": seconds, "adapter", "prompt" | "input_tokens", "output_tokens", "session"}`.
    case lorabench
    /// Mooncake's JSONL: `{"timestamp": ms, "input_length", "output_length", "hash_ids": [...]}`.
    case mooncake
    /// Azure LLM inference CSV: `TIMESTAMP,ContextTokens,GeneratedTokens` (a header line first).
    case azure

    /// Does the layout have a line of column names first?
    var hasHeader: Bool { self == .azure }

    /// Parses one line; `header` is the CSV's column names (Azure). Throws a message without the file and line.
    func parse(_ text: Substring, line: Int, header: [String], adapterColumn: String?) throws -> TraceEntry {
        switch self {
        case .lorabench, .mooncake:
            guard let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                throw TraceLineError("not a JSON object on one line")
            }
            let timeKey = self == .lorabench ? "t" : "timestamp"
            guard let ts = Self.number(o[timeKey]), ts >= 0, ts < 1e12 else {
                throw TraceLineError("\"\(timeKey)\" must be a number of \(self == .lorabench ? "seconds" : "milliseconds") of at least 0")
            }
            var e = TraceEntry(line: line, timestampMicros: Int64((ts * (self == .lorabench ? 1e6 : 1e3)).rounded()))
            let inKey = self == .lorabench ? "input_tokens" : "input_length", outKey = self == .lorabench ? "output_tokens" : "output_length"
            e.inputTokens = try Self.count(o[inKey], inKey, range: 1...1_000_000)
            e.outputTokens = try Self.count(o[outKey], outKey, range: 1...1_000_000)
            if let p = o["prompt"] {
                guard let s = p as? String, !s.isEmpty else { throw TraceLineError("\"prompt\" must be a non-empty string") }
                e.prompt = s
            }
            if let a = o[adapterColumn ?? "adapter"] {
                guard let s = a as? String else { throw TraceLineError("\"\(adapterColumn ?? "adapter")\" must be a string (an adapter id)") }
                e.adapter = s
            }
            if let s = o["session"] {
                if let str = s as? String { e.session = str } else if let n = Self.number(s), n.rounded() == n { e.session = String(Int64(n)) }
                else { throw TraceLineError("\"session\" must be a string or an integer") }
            }
            if let h = o["hash_ids"] {
                guard let arr = h as? [Any], let ids = Optional(arr.compactMap { Self.number($0) }), ids.count == arr.count,
                      ids.allSatisfy({ $0.rounded() == $0 && abs($0) < 9e15 }) else { throw TraceLineError("\"hash_ids\" must be an array of integers") }
                e.hashIds = ids.map { Int($0) }
            }
            if e.prompt == nil && e.inputTokens == nil { throw TraceLineError("needs \"prompt\" or \"\(inKey)\"") }
            return e
        case .azure:
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else { throw TraceLineError("\(fields.count) fields, the header has \(header.count)") }
            func field(_ name: String) -> String? { header.firstIndex(of: name).map { fields[$0] } }
            guard let stamp = field("TIMESTAMP"), let micros = Self.azureTimestamp(stamp) else {
                throw TraceLineError("TIMESTAMP must be \"YYYY-MM-DD hh:mm:ss[.fraction]\" or a number of seconds")
            }
            var e = TraceEntry(line: line, timestampMicros: micros)
            for (key, set) in [("ContextTokens", \TraceEntry.inputTokens), ("GeneratedTokens", \TraceEntry.outputTokens)] {
                guard let n = field(key).flatMap({ Int($0) }), (1...1_000_000).contains(n) else {
                    throw TraceLineError("\(key) must be an integer from 1 to 1000000")
                }
                e[keyPath: set] = n
            }
            if let c = adapterColumn {
                guard let a = field(c), !a.isEmpty else { throw TraceLineError("no adapter in column \"\(c)\"") }
                e.adapter = a
            }
            return e
        }
    }

    /// True for JSONSerialization's `true`/`false` (on Linux `is Bool` also holds for the numbers 0 and 1).
    static func isBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    static func number(_ v: Any?) -> Double? {
        guard let v, !isBool(v), let n = v as? NSNumber else { return nil }
        let d = n.doubleValue
        return d.isFinite ? d : nil
    }

    static func count(_ v: Any?, _ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let v, !(v is NSNull) else { return nil }
        guard let d = number(v), d.rounded() == d, d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw TraceLineError("\"\(key)\" must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(d)
    }

    /// `2023-11-16 18:15:46.6805900` (UTC, any number of fraction digits) or plain seconds, as microseconds.
    static func azureTimestamp(_ s: String) -> Int64? {
        if let d = Double(s), d.isFinite, d >= 0, d < 1e12 { return Int64((d * 1e6).rounded()) }
        let u = Array(s.utf8)
        guard u.count >= 19, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: " ") || u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":") else { return nil }
        func int(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (48...57).contains(u[i]) else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard let y = int(0..<4), let mo = int(5..<7), let d = int(8..<10), let h = int(11..<13), let mi = int(14..<16), let sec = int(17..<19),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var micros = 0
        if u.count > 19 {
            guard u[19] == UInt8(ascii: "."), u.count > 20 else { return nil }
            var scale = 100_000
            for i in 20..<u.count {
                guard (48...57).contains(u[i]) else { return nil }
                micros += Int(u[i] - 48) * scale
                scale /= 10
            }
        }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Int64(days * 86_400 + h * 3600 + mi * 60 + sec) * 1_000_000 + Int64(micros)
    }
}

/// Why one trace line cannot be used (the reader adds the file and line).
public struct TraceLineError: Error, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
}
