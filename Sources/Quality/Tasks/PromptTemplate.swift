/// A harness prompt template: `{column}` is replaced by the row's value, `{{` and `}}` are literal braces
/// (Python's str.format, which the harness uses, without format specs).
public struct PromptTemplate: Sendable, Equatable {
    enum Piece: Sendable, Equatable { case text(String), field(String) }
    let pieces: [Piece]

    /// The columns the template names, in order of first use.
    public var fields: [String] {
        var seen: [String] = []
        for case .field(let f) in pieces where !seen.contains(f) { seen.append(f) }
        return seen
    }

    /// Parses `template`; an unclosed or empty brace is an error naming its position.
    public init(_ template: String) throws(TemplateError) {
        var pieces: [Piece] = []
        var text = ""
        var chars = Array(template)[...]
        var offset = 0
        while let c = chars.popFirst() {
            offset += 1
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); offset += 1; text.append("{"); continue }
                guard let close = chars.firstIndex(of: "}") else { throw TemplateError(message: "unclosed \"{\" at character \(offset)") }
                let name = String(chars[chars.startIndex..<close]).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !name.contains("{") else { throw TemplateError(message: "empty or nested field name at character \(offset)") }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(.field(name))
                offset += chars.distance(from: chars.startIndex, to: close) + 1
                chars = chars[(close + 1)...]
            } else if c == "}" {
                guard chars.first == "}" else { throw TemplateError(message: "single \"}\" at character \(offset) (write \"}}\" for a brace)") }
                chars.removeFirst(); offset += 1
                text.append("}")
            } else {
                text.append(c)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    /// The prompt for `row`; every field was checked against the columns when the task was read.
    public func render(_ row: [String: String]) -> String {
        var out = ""
        for p in pieces {
            switch p {
            case .text(let t): out += t
            case .field(let f): out += row[f] ?? ""
            }
        }
        return out
    }
}

/// Why a value in a task's metadata (its prompt template, its metric name) cannot be used.
public struct TemplateError: Error, Sendable, Equatable {
    public var message: String
}

import Foundation
