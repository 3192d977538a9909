import ArgumentParser
import LoadGen

/// `lorabench validate FILE`: checks a scenario and reports every problem with its JSON path; sends nothing.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and report every problem at once (exit 104 when invalid).")

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @Option(name: .customLong("set"), help: "Override a field: dotted.path=value (value read as JSON when it parses).")
    var overrides: [String] = []

    func run() async throws {
        do {
            let s = try ScenarioLoader.load(path: scenario, overrides: overrides)
            if case .simulator(let settings) = s.target.endpoint { _ = try EmbeddedTarget.simConfig(settings, file: scenario) }
            print("\(scenario): ok (\(s.name): \(s.load.executorName), \(DurationText.format(s.load.duration)), "
                  + "\(s.adapters.ids.isEmpty ? "base model" : "\(s.adapters.ids.count) adapters"), api \(s.target.api.rawValue))")
        } catch let e as ScenarioError {
            Console.error(e.description)
            throw LorabenchExit.invalidConfig
        }
    }
}
