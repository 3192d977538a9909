import ArgumentParser
import Foundation
import LoadGen
import Stats

/// `lorabench run SCENARIO`: one measured run, reported on the terminal and written under results/.
struct RunCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and report TTFT, TPOT, ITL, E2E and throughput (terminal, summary.json, CSV).")

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    @OptionGroup var results: ResultsOptions

    @Flag(help: "Print only the results folder path and errors.")
    var quiet = false

    @Flag(name: .customLong("no-progress"), help: "Never show the live progress line.")
    var noProgress = false

    func execute(_ console: Console) async -> ExitCode {
        await execute(console, onStart: nil)
    }

    /// The command with a hook that sees the runner before the window starts (tests stop runs with it).
    func execute(_ console: Console, onStart: (@Sendable (Runner) -> Void)?) async -> ExitCode {
        let checked: CheckedScenario
        do { checked = try ScenarioCheck.of(scenario, overrides: scenarioOptions.overrides, console: console).check() } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        var launcher = RunLauncher(console: console, out: results.out, resultsRoot: results.resultsRoot, quiet: quiet, progress: !noProgress,
                                   printsResult: true, onStart: onStart)
        do { launcher.tags = try results.tags(); launcher.jsonLines = results.jsonl; launcher.pushGateway = try results.pushGatewayURL() } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        return await launcher.perform(checked.scenario, bearerToken: checked.bearerToken).code
    }
}
