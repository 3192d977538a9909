/// The one place a scenario's `workload` meets the `PromptSource` that carries it out.
public enum WorkloadSources {
    /// The source for `scenario`'s workload; throws when something it needs at run time (a trace file) cannot be opened.
    public static func make(_ scenario: Scenario) throws -> any PromptSource {
        switch scenario.workload.source {
        case .random: return RandomWordPrompts(scenario: scenario)
        case .dataset(let d): return DatasetPrompts(rows: d.rows, sampling: d.sampling, seed: scenario.seed)
        case .trace(let t): return TracePrompts(replay: try TraceReplay(t), scenario: scenario)
        case .sharedPrefix(let groups, let words, let scope):
            return SharedPrefixPrompts(groups: groups, prefixWords: words, scope: scope, scenario: scenario)
        case .sessions(let turns, let adapters): return SessionPrompts(turns: turns, adapterScope: adapters, scenario: scenario)
        case .task(let t): return TaskPrompts(t)
        }
    }
}
