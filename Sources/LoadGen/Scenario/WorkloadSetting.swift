import Stats

extension Scenario {
    /// `workload`: where each request's prompt (and whatever else the source decides) comes from, and how long
    /// prompts and answers are. Absent means random words of `input_words`, byte-identical for old seeds.
    public struct Workload: Sendable {
        public enum Source: Sendable {
            /// Words from the word list.
            case random
            /// Rows of a local file (`dataset`).
            case dataset(Dataset)
            /// A timestamped replay (`trace`): arrivals at the trace's offsets.
            case trace(Trace)
            /// `groups` prefixes of `prefix_words` words, each request one of them plus a unique suffix.
            case sharedPrefix(groups: Int, prefixWords: Int, scope: SharedPrefixPrompts.Scope)
            /// Multi-turn conversations of `turns` turns, one per virtual user at a time.
            case sessions(turns: Int, adapters: SessionPrompts.AdapterScope)
            /// LoRA Land evaluation tasks, each bound to an adapter (`{"task": …, "adapter": …}` or `{"tasks": […]}`).
            case task(TaskWorkload)
        }

        public var source: Source = .random
        /// `input`: prompt length in words, for sources that make their own words; nil is `input_words`.
        public var input: LengthDistribution?
        /// `output`: max_new_tokens for requests whose source leaves it open; nil is `max_new_tokens`.
        public var output: LengthDistribution?
        /// `adapter_drift`: the adapter mix's ranking rotates over the run.
        public var adapterDrift: AdapterDrift?

        /// `{"every": "10s", "step": 1}`: every `every` into the window, rank r goes to the adapter `step` places further on.
        public struct AdapterDrift: Sendable, Equatable {
            public var every: Duration
            public var step: Int
        }

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
    static let sources = ["random", "dataset", "trace", "shared_prefix", "sessions"]
    /// Keys every source takes.
    static let common = ["source", "input", "output", "adapter_drift"]

    static func parse(_ value: JSONValue?, adapters: Scenario.Adapters, _ r: inout ScenarioReader) -> Scenario.Workload {
        let adapterIds = adapters.ids
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
        if let v = o["adapter_drift"], v != .null, let d = r.object(v, "workload.adapter_drift", allowed: ["every", "step"]) {
            let every = r.duration(d, "every", "workload.adapter_drift", allowZero: false)
            if d["every"] == nil { r.fail("workload.adapter_drift.every", "required: how often the ranking moves (e.g. \"10s\")") }
            let step = r.int(d, "step", "workload.adapter_drift", range: 1...1_000_000) ?? 1
            switch adapters.distribution {
            case .zipf, .weights: break
            default: r.fail("workload.adapter_drift", "rotates a ranking: needs \"adapters\" with a zipf distribution or weights")
            }
            if let every { w.adapterDrift = Scenario.Workload.AdapterDrift(every: every, step: step) }
        }
        switch source {
        case "random":
            _ = r.object(value, "workload", allowed: common)
            w.source = .random
        case "dataset":
            _ = r.object(value, "workload", allowed: common + DatasetSetting.keys)
            if let d = DatasetSetting.parse(o, &r) { w.source = .dataset(d) }
        case "trace":
            _ = r.object(value, "workload", allowed: common + TraceSetting.keys)
            if let t = TraceSetting.parse(o, adapterIds: adapterIds, &r) { w.source = .trace(t) }
        case "shared_prefix":
            _ = r.object(value, "workload", allowed: common + ["groups", "prefix_words", "scope"])
            let groups = r.int(o, "groups", "workload", range: 1...100_000) ?? 1
            let words = r.int(o, "prefix_words", "workload", range: 1...100_000)
            if o["prefix_words"] == nil { r.fail("workload.prefix_words", "required: how many words each group's prefix has") }
            let scope = option(o, "scope", &r) ?? SharedPrefixPrompts.Scope.shared
            if scope == .perAdapter && adapterIds.isEmpty { r.fail("workload.scope", "\"per_adapter\" gives each group one of the scenario's adapters, but \"adapters\" lists none") }
            if let words { w.source = .sharedPrefix(groups: groups, prefixWords: words, scope: scope) }
        case "sessions":
            _ = r.object(value, "workload", allowed: common + ["turns", "adapter"])
            let turns = r.int(o, "turns", "workload", range: 1...10_000)
            if o["turns"] == nil { r.fail("workload.turns", "required: how many turns each conversation has") }
            let scope = option(o, "adapter", &r) ?? SessionPrompts.AdapterScope.perSession
            if let turns { w.source = .sessions(turns: turns, adapters: scope) }
        default:
            var message = "expected one of \(list(sources)), got \"\(source)\""
            if let guess = Suggestion.closest(to: source, in: sources) { message += " (did you mean \"\(guess)\"?)" }
            r.fail("workload.source", message)
        }
        return w
    }

    static func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// `workload.<key>` as one of `E`'s names; nil (and an issue listing the names) when it is another string.
    static func option<E: RawRepresentable & CaseIterable>(_ o: [String: JSONValue], _ key: String, _ r: inout ScenarioReader) -> E?
    where E.RawValue == String {
        guard let v = r.string(o, key, "workload") else { return nil }
        if let parsed = E(rawValue: v) { return parsed }
        r.fail("workload.\(key)", "expected one of \(list(E.allCases.map(\.rawValue))), got \"\(v)\"")
        return nil
    }
}

extension Scenario.Workload {
    /// One phrase for `validate`: what the workload is; nil for plain random words (so old output is unchanged).
    public var summary: String? {
        var parts: [String] = []
        switch source {
        case .random: if input != nil || output != nil { parts.append("random words") }
        case .dataset(let d):
            parts.append("dataset of \(d.rows.count) rows from \(d.file), \(d.sampling.rawValue)")
            if d.skipped > 0 { parts.append("\(d.skipped) bad rows skipped (the first: \(d.firstSkipped ?? "?"))") }
        case .trace(let t):
            parts.append("trace of \(t.lines) arrivals from \(t.file) (\(t.format.rawValue)) over \(DurationText.format(.microseconds(Int64(t.spanMicros))))"
                         + (t.speed == 1 ? "" : " at speed \(ScenarioReader.show(t.speed))") + ", adapters by \(t.adapters.rawValue)")
        case .sharedPrefix(let g, let w, let scope): parts.append("\(g) shared prefixes of \(w) words, \(scope.rawValue)")
        case .sessions(let turns, let a): parts.append("sessions of \(turns) turns, adapter \(a.rawValue)")
        case .task(let t):
            parts.append("tasks " + t.plan.bindings.map { "\($0.task.name) (\($0.task.items.count) rows) → \($0.adapter.isEmpty ? "base model" : $0.adapter)" }
                .joined(separator: ", ") + (t.plan.canaries.map { ", \($0.prompts) canaries per adapter every \($0.every) requests" } ?? ""))
        }
        if adapterDrift != nil { parts.append("drifting adapter ranking") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
