import Foundation
import Stats

/// `--set key=value`: replaces one field of a scenario document by dotted path before validation.
/// The value is read as JSON when it parses and as a string otherwise.
public enum ScenarioOverride {
    public static func apply(_ assignment: String, to doc: JSONValue) throws -> JSONValue {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            throw ScenarioIssue(path: "--set", message: "expected key=value, got \"\(assignment)\"")
        }
        let key = String(assignment[..<eq])
        let raw = String(assignment[assignment.index(after: eq)...])
        let value = (try? JSONValue.parse(Data(raw.utf8))) ?? .string(raw)
        let parts = try components(key)
        return try set(doc, parts[...], value, key)
    }

    enum Component { case key(String), index(Int) }

    static func components(_ key: String) throws -> [Component] {
        var out: [Component] = []
        for piece in key.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(piece)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                guard let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), i >= 0 else {
                    throw ScenarioIssue(path: "--set \(key)", message: "bad index in \"\(piece)\"")
                }
                indices.insert(i, at: 0)
                name = name[..<open]
            }
            if let i = Int(name), i >= 0, indices.isEmpty, !out.isEmpty { out.append(.index(i)); continue }
            guard !name.isEmpty else { throw ScenarioIssue(path: "--set \(key)", message: "empty path component") }
            out.append(.key(String(name)))
            out += indices.map { .index($0) }
        }
        return out
    }

    static func set(_ node: JSONValue, _ path: ArraySlice<Component>, _ value: JSONValue, _ key: String) throws -> JSONValue {
        guard let first = path.first else { return value }
        switch first {
        case .key(let k):
            var o: [String: JSONValue]
            switch node {
            case .object(let existing): o = existing
            case .null: o = [:]
            default: throw ScenarioIssue(path: "--set \(key)", message: "\"\(k)\" is inside \(node.typeName), not an object")
            }
            o[k] = try set(o[k] ?? .null, path.dropFirst(), value, key)
            return .object(o)
        case .index(let i):
            guard case .array(var a) = node else {
                throw ScenarioIssue(path: "--set \(key)", message: "index [\(i)] used on \(node.typeName), not an array")
            }
            guard i <= a.count else {
                throw ScenarioIssue(path: "--set \(key)", message: "index \(i) is past the end (the array has \(a.count) items)")
            }
            if i == a.count { a.append(.null) }
            a[i] = try set(a[i], path.dropFirst(), value, key)
            return .array(a)
        }
    }
}

