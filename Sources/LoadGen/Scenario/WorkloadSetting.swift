import Stats

extension Scenario {
    /// `workload`: where each request's prompt (and whatever else the source decides) comes from.
    /// Absent means `random`: today's words, byte-identical for old seeds.
    public enum Workload: Sendable {
        /// Words from the word list, `input_words` long.
        case random
    }
}

/// Decodes the scenario's `workload` object: `{"source": "random" | ..., ...}`. Each source reads its own keys
/// below its own case; issues carry the JSON path (`workload.file`). A form of `workload` without `source`
/// (for instance a `task`/`tasks` form) is decided in `parse` before the `source` dispatch.
enum WorkloadSetting {
    /// Every `source` the decoder knows, in the order error messages list them.
    static let sources = ["random"]

    static func parse(_ value: JSONValue?, _ r: inout ScenarioReader) -> Scenario.Workload {
        guard let value, value != .null else { return .random }
        guard case .object(let o) = value else {
            r.fail("workload", "expected an object like {\"source\": \"random\"}, got \(value.typeName) \(value.brief)")
            return .random
        }
        // Forms without "source" go here, before the dispatch.
        guard let source = r.string(o, "source", "workload") else {
            if o["source"] == nil { r.fail("workload.source", "required: one of \(list(sources))") }
            return .random
        }
        switch source {
        case "random":
            _ = r.object(value, "workload", allowed: ["source"])
            return .random
        default:
            var message = "expected one of \(list(sources)), got \"\(source)\""
            if let guess = Suggestion.closest(to: source, in: sources) { message += " (did you mean \"\(guess)\"?)" }
            r.fail("workload.source", message)
            return .random
        }
    }

    static func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}
