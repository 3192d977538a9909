/// `--tag key=value`: labels a team puts on a run (nightly, commit, cluster) that travel with it: into summary.json,
/// onto every exported Prometheus series and the push gateway's grouping key, and into the dashboard's groups.
public enum RunTags {
    /// Label names the exports already use, so a tag cannot overwrite them.
    public static let reserved: Set = ["scenario", "adapter", "quantile", "le", "result", "class", "touch", "threshold", "version",
                                       "run_id", "executor", "started_at", "job", "instance", "metric", "comparison", "limit", "percentile", "task"]
    public static let maxValueLength = 200

    /// One `key=value`; the key must be a Prometheus label name and not one lorabench's exports use.
    public static func parse(_ text: String) throws -> (key: String, value: String) {
        guard let eq = text.firstIndex(of: "=") else { throw RunTagError(description: "expected key=value, got \"\(text)\"") }
        let key = String(text[..<eq]), value = String(text[text.index(after: eq)...])
        let validKey = key.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) } && !key.hasPrefix("__")
        guard validKey else {
            throw RunTagError(description: "\"\(key)\" is not a valid tag name (letters, digits and _, not starting with a digit or __)")
        }
        guard !reserved.contains(key) else {
            throw RunTagError(description: "\"\(key)\" is a label lorabench's exports already use; pick another tag name")
        }
        guard !value.isEmpty, value.count <= maxValueLength, !value.contains(where: { $0.isNewline }) else {
            throw RunTagError(description: "tag \(key): the value must be 1 to \(maxValueLength) characters on one line")
        }
        return (key, value)
    }

    /// Several `key=value`s; a key given twice is an error (which one would win is not obvious).
    public static func parse(_ texts: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for t in texts {
            let (k, v) = try parse(t)
            guard out[k] == nil else { throw RunTagError(description: "tag \(k) given twice") }
            out[k] = v
        }
        return out
    }
}

/// A `--tag` that cannot be used, with why.
public struct RunTagError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
