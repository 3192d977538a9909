import Stats

extension Scenario {
    /// `workload`: where each request's prompt (and whatever else the source decides) comes from, and how long
    /// prompts and answers are. Absent means random words of `input_words`, byte-identical for old seeds.
    public struct Workload: Sendable {
        public enum Source: Sendable {
            /// Words from the word list.
            case random
            /// LoRA Land evaluation tasks, each bound to an adapter (`{"task": …, "adapter": …}` or `{"tasks": […]}`).
            case task(TaskWorkload)
        }

        public var source: Source = .random
        /// `input`: prompt length in words, for sources that make their own words; nil is `input_words`.
        public var input: LengthDistribution?
        /// `output`: max_new_tokens for requests whose source leaves it open; nil is `max_new_tokens`.
        public var output: LengthDistribution?

        public init(source: Source = .random, input: LengthDistribution? = nil, output: LengthDistribution? = nil) {
            self.source = source; self.input = input; self.output = output
        }
    }
}

/// Decodes the scenario's `workload` object: `{"source": "random" | ..., "input": {...}, "output": {...}, ...}`.
/// Each source reads its own keys in its own case; issues carry the JSON path (`workload.file`). A form of
/// `workload` without `source` (for instance a `task`/`tasks` form) is decided in `parse` before the `source` dispatch.
enum WorkloadSetting {
    /// Every `source` the decoder knows, in the order error messages list them.
    static let sources = ["random"]
    /// Keys every source takes.
    static let common = ["source", "input", "output"]

    static func parse(_ value: JSONValue?, _ r: inout ScenarioReader) -> Scenario.Workload {
        guard let value, value != .null else { return Scenario.Workload() }
        guard case .object(let o) = value else {
            r.fail("workload", "expected an object like {\"source\": \"random\"}, got \(value.typeName) \(value.brief)")
            return Scenario.Workload()
        }
        // Forms without "source" go here, before the dispatch.
        if o["source"] == nil, o["task"] != nil || o["tasks"] != nil {
            return Scenario.Workload(source: TaskWorkloadSetting.parse(o, &r).map { .task($0) } ?? .random)
        }
        guard let source = r.string(o, "source", "workload") else {
            if o["source"] == nil { r.fail("workload.source", "required: one of \(list(sources))") }
            return Scenario.Workload()
        }
        var w = Scenario.Workload()
        if let v = o["input"], v != .null { w.input = LengthDistributionSetting.parse(v, "workload.input", limits: 1...100_000, &r) }
        if let v = o["output"], v != .null { w.output = LengthDistributionSetting.parse(v, "workload.output", limits: 1...1_000_000, &r) }
        switch source {
        case "random":
            _ = r.object(value, "workload", allowed: common)
            w.source = .random
        default:
            var message = "expected one of \(list(sources)), got \"\(source)\""
            if let guess = Suggestion.closest(to: source, in: sources) { message += " (did you mean \"\(guess)\"?)" }
            r.fail("workload.source", message)
        }
        return w
    }

    static func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}
