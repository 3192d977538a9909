import ArgumentParser
import Foundation
import LoadGen
import Stats

/// `lorabench run SCENARIO`: one measured run, reported on the terminal and written under results/.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and report TTFT, TPOT, ITL, E2E and throughput (terminal, summary.json, CSV).")

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Results folder for this run (default: <results-root>/<UTC timestamp>-<name>).")
    var out: String?

    @Option(name: .customLong("results-root"), help: "Where run folders are created.")
    var resultsRoot: String = "results"

    @Flag(help: "Print only the results folder path and errors.")
    var quiet = false

    @Flag(name: .customLong("no-progress"), help: "Never show the live progress line.")
    var noProgress = false

    func run() async throws {
        let code = await RunCommand.execute(scenarioPath: scenario, overrides: scenarioOptions.overrides,
                                            out: out, resultsRoot: resultsRoot,
                                            quiet: quiet, progress: !noProgress && Console.stderrIsTerminal)
        if code != LorabenchExit.ok { throw code }
    }

    /// The whole command, callable in-process by tests; returns the exit code.
    static func execute(scenarioPath: String, overrides: [String], out: String?, resultsRoot: String,
                        quiet: Bool, progress: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
                        onStart: (@Sendable (Runner) -> Void)? = nil) async -> ExitCode {
        let s: Scenario
        do {
            s = try ScenarioLoader.load(path: scenarioPath, overrides: overrides, environment: environment)
            if case .simulator(let settings) = s.target.endpoint { _ = try EmbeddedTarget.simConfig(settings, file: scenarioPath) }
        } catch let e as ScenarioError {
            Console.error(e.description)
            return LorabenchExit.invalidConfig
        } catch {
            Console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        return await perform(s, file: scenarioPath, out: out, resultsRoot: resultsRoot, quiet: quiet, progress: progress,
                             environment: environment, onStart: onStart).code
    }

    /// One validated scenario, run end to end (embedded simulator, signals, report, exit code); `sweep` runs cells with it.
    static func perform(_ s: Scenario, file scenarioPath: String, out: String?, resultsRoot: String, quiet: Bool, progress: Bool,
                        environment: [String: String], printsResult: Bool = true,
                        onStart: (@Sendable (Runner) -> Void)? = nil) async -> (code: ExitCode, outcome: RunOutcome?) {
        var token: String?
        if let name = s.target.authEnv {
            guard let t = environment[name], !t.isEmpty else {
                Console.error("\(scenarioPath): target.auth_env names \(name), but that environment variable is not set")
                return (LorabenchExit.invalidConfig, nil)
            }
            token = t
        }
        let target: EmbeddedTarget
        do { target = try await EmbeddedTarget.start(s, file: scenarioPath) } catch {
            Console.error("cannot start the embedded simulator: \(error)")
            return (LorabenchExit.runError, nil)
        }
        var options = RunOptions()
        options.outDir = out
        options.resultsRoot = resultsRoot
        options.progress = progress && !quiet
        options.bearerToken = token
        options.version = LorabenchCommand.version
        if !quiet { options.log = { Console.info($0) } }
        let runner = Runner(scenario: s, baseURL: target.baseURL, options: options)
        let trap = SignalTrap(first: {
            Console.info("\nstopping: in-flight requests get \(DurationText.format(s.gracefulStop)) to finish (interrupt again to stop at once)")
            runner.stop()
        }, second: {
            Console.info("aborting: cutting off in-flight requests")
            runner.abort()
        })
        defer { trap.disarm() }
        onStart?(runner)
        if !quiet {
            let what = target.simulator != nil ? "embedded simulator at \(target.baseURL)" : target.baseURL
            Console.info("lorabench \(LorabenchCommand.version): \(s.name), \(s.load.executorName) for \(DurationText.format(s.load.duration)) against \(what)")
        }
        let outcome: RunOutcome
        do {
            outcome = try await runner.run()
        } catch let e as RunError {
            await target.stop()
            Console.error(e.description)
            if case .interruptedBeforeStart = e { return (LorabenchExit.aborted, nil) }
            return (LorabenchExit.runError, nil)
        } catch {
            await target.stop()
            Console.error("\(error)")
            return (LorabenchExit.runError, nil)
        }
        await target.stop()
        if !printsResult {
            // The caller (sweep) reports for itself.
        } else if quiet {
            print(outcome.directory)
        } else {
            print(TerminalReport.render(outcome.summary, resultsDir: outcome.directory))
        }
        if outcome.summary.run.interrupted { return (LorabenchExit.aborted, outcome) }
        if !outcome.summary.thresholdsPassed {
            if !quiet { Console.error("thresholds failed: " + outcome.summary.thresholds.filter { !$0.passed }.map { "\($0.metric) \($0.expression)" }.joined(separator: ", ")) }
            return (LorabenchExit.thresholdsFailed, outcome)
        }
        return (LorabenchExit.ok, outcome)
    }
}
