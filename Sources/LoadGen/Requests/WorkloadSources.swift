/// The one place a scenario's `workload` meets the `PromptSource` that carries it out.
public enum WorkloadSources {
    /// The source for `scenario`'s workload; throws when something it needs at run time (a trace file) cannot be opened.
    public static func make(_ scenario: Scenario) throws -> any PromptSource {
        switch scenario.workload.source {
        case .random: return RandomWordPrompts(scenario: scenario)
        case .task(let t): return TaskPrompts(t)
        }
    }
}
