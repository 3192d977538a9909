import ArgumentParser
import LoadGen
import Stats

/// `lorabench validate FILE`: checks a scenario and reports every problem with its JSON path; sends nothing.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and report every problem at once (exit 104 when invalid).")

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    func run() async throws {
        do {
            let s = try ScenarioLoader.load(path: scenario, overrides: scenarioOptions.overrides)
            if case .simulator(let settings) = s.target.endpoint { _ = try EmbeddedTarget.simConfig(settings, file: scenario) }
            // A `sweep` block is checked as `lorabench sweep` would read it.
            var doc = try JSONValue.parse(try ScenarioLoader.readFile(scenario))
            for o in scenarioOptions.overrides { doc = try ScenarioOverride.apply(o, to: doc) }
            if doc.objectValue?["sweep"] != nil {
                let plan = try SweepPlan.make(document: doc, base: s, file: scenario, adapters: nil, concurrency: nil, rates: nil, duration: nil,
                                              untilSLO: false, sloFraction: nil)
                for cell in plan.cells { _ = try ScenarioLoader.load(document: plan.document(for: cell, base: doc), file: "\(scenario) [sweep \(cell.id)]") }
            }
            print("\(scenario): ok (\(s.name): \(s.load.executorName), \(DurationText.format(s.load.duration)), "
                  + "\(s.adapters.ids.isEmpty ? "base model" : "\(s.adapters.ids.count) adapters"), api \(s.target.api.rawValue))")
        } catch let e as ScenarioError {
            Console.error(e.description)
            throw LorabenchExit.invalidConfig
        } catch {
            Console.error("\(scenario): \(error)")
            throw LorabenchExit.invalidConfig
        }
    }
}
