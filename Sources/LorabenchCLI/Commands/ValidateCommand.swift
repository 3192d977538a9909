import ArgumentParser
import LoadGen
import Stats

/// `lorabench validate FILE`: the same check `run` and `sweep` make, every problem with its JSON path; sends nothing.
struct ValidateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and report every problem at once (exit 104 when invalid).")

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    func execute(_ console: Console) async -> ExitCode {
        let checked: CheckedScenario
        do { checked = try ScenarioCheck.of(scenario, overrides: scenarioOptions.overrides, console: console).check(sweep: .ifPresent) } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        let s = checked.scenario
        var adapters = s.adapters.ids.isEmpty ? "base model" : "\(s.adapters.ids.count) adapters"
        // A task workload binds each task to its adapter; the scenario's adapter mix is not used.
        if case .task = s.workload.source { adapters = "adapters bound to tasks" }
        var line = "\(scenario): ok (\(s.name): \(s.load.executorName), \(DurationText.format(s.load.duration)), "
            + "\(adapters), api \(s.target.api.rawValue))"
        if let w = s.workload.summary { line += "; workload: \(w)" }
        if let sweep = checked.sweep { line += "; sweep of \(sweep.cells.count) cells" }
        console.print(line)
        return LorabenchExit.ok
    }
}
