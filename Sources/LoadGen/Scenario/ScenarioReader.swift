import ConfigIssues
import Stats

/// Walks a JSON document field by field, collecting every problem with its path instead of stopping at the first.
struct ScenarioReader {
    var issues: [ScenarioIssue] = []

    mutating func fail(_ path: String, _ message: String) {
        issues.append(ScenarioIssue(path: path, message: message))
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The object at `path`, reporting keys not in `allowed` (with a did-you-mean).
    mutating func object(_ value: JSONValue, _ path: String, allowed: [String]) -> [String: JSONValue]? {
        guard case .object(let o) = value else {
            fail(path, "expected an object, got \(value.typeName) \(value.brief)")
            return nil
        }
        for key in o.keys.sorted() where !allowed.contains(key) {
            var message = "unknown key \"\(key)\""
            if let guess = Suggestion.closest(to: key, in: allowed) { message += " (did you mean \"\(guess)\"?)" }
            fail(Self.join(path, key), message)
        }
        return o
    }

    mutating func string(_ o: [String: JSONValue], _ key: String, _ path: String) -> String? {
        guard let v = o[key], v != .null else { return nil }
        guard case .string(let s) = v else {
            fail(Self.join(path, key), "expected a string, got \(v.typeName) \(v.brief)")
            return nil
        }
        return s
    }

    mutating func bool(_ o: [String: JSONValue], _ key: String, _ path: String) -> Bool? {
        guard let v = o[key], v != .null else { return nil }
        guard case .bool(let b) = v else {
            fail(Self.join(path, key), "expected true or false, got \(v.typeName) \(v.brief)")
            return nil
        }
        return b
    }

    /// A number within `range`, written without a fraction when `integer` is set.
    mutating func number(_ o: [String: JSONValue], _ key: String, _ path: String,
                         range: ClosedRange<Double>, integer: Bool = false) -> Double? {
        guard let v = o[key], v != .null else { return nil }
        return number(v, Self.join(path, key), range: range, integer: integer)
    }

    mutating func number(_ v: JSONValue, _ path: String, range: ClosedRange<Double>, integer: Bool = false) -> Double? {
        let kind = integer ? "an integer" : "a number"
        guard let d = v.number, d.isFinite else {
            fail(path, "expected \(kind), got \(v.typeName) \(v.brief)")
            return nil
        }
        if integer && d.rounded() != d {
            fail(path, "expected an integer, got \(v.brief)")
            return nil
        }
        guard range.contains(d) else {
            fail(path, "expected \(kind) from \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound)), got \(v.brief)")
            return nil
        }
        return d
    }

    mutating func int(_ o: [String: JSONValue], _ key: String, _ path: String, range: ClosedRange<Int>) -> Int? {
        number(o, key, path, range: Double(range.lowerBound)...Double(range.upperBound), integer: true).map { Int($0) }
    }

    /// A duration given as text ("30s", "1m30s", "250ms") or a number of seconds.
    mutating func duration(_ o: [String: JSONValue], _ key: String, _ path: String, allowZero: Bool = true) -> Duration? {
        guard let v = o[key], v != .null else { return nil }
        return duration(v, Self.join(path, key), allowZero: allowZero)
    }

    mutating func duration(_ v: JSONValue, _ path: String, allowZero: Bool = true) -> Duration? {
        let parsed: Duration?
        switch v {
        case .string(let s): parsed = DurationText.parse(s)
        case .int, .double:
            if let d = v.number, d >= 0, d < 1e9 { parsed = .microseconds(Int64((d * 1e6).rounded())) } else { parsed = nil }
        default: parsed = nil
        }
        guard let d = parsed else {
            fail(path, "expected a duration like \"30s\", got \(v.brief)")
            return nil
        }
        if !allowZero && d <= .zero {
            fail(path, "expected a duration above zero, got \(v.brief)")
            return nil
        }
        return d
    }

    /// `{min, max}` inclusive integer bounds, or a single integer meaning min == max.
    mutating func bounds(_ o: [String: JSONValue], _ key: String, _ path: String, range: ClosedRange<Int>) -> ClosedRange<Int>? {
        guard let v = o[key], v != .null else { return nil }
        let p = Self.join(path, key)
        if v.number != nil {
            guard let n = number(v, p, range: Double(range.lowerBound)...Double(range.upperBound), integer: true) else { return nil }
            return Int(n)...Int(n)
        }
        guard let b = object(v, p, allowed: ["min", "max"]) else { return nil }
        let lo = int(b, "min", p, range: range)
        let hi = int(b, "max", p, range: range)
        if b["min"] == nil { fail(Self.join(p, "min"), "required") }
        if b["max"] == nil { fail(Self.join(p, "max"), "required") }
        guard let lo, let hi else { return nil }
        guard lo <= hi else {
            fail(p, "min (\(lo)) is greater than max (\(hi))")
            return nil
        }
        return lo...hi
    }

    static func show(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
