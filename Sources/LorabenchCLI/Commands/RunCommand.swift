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

    @OptionGroup var segments: SegmentOptions

    @Flag(help: "Print only the results folder path and errors.")
    var quiet = false

    @Option(help: "Event loops sharing the load in this process (1-256), each with its share of VUs or arrivals; default 1.")
    var shards: Int?

    @Flag(help: ArgumentHelp("Run the event loops under SCHED_FIFO (needs root or CAP_SYS_NICE), so a server spinning on the same cores cannot keep them waiting for a CPU.",
                             discussion: "summary.json run.client_cpu_wait says whether they waited; the run stops before sending anything when the kernel refuses."))
    var realtime = false

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
        let plan: SegmentOptions.Plan
        do { plan = try segments.plan(scenarioName: checked.scenario.name) } catch let e as ValidationError {
            console.error(e.message)
            return LorabenchExit.invalidConfig
        } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        if let why = Self.unsplittable(checked.scenario.load, plan.segment) {
            console.error("--segment \(plan.segment): \(why)")
            return LorabenchExit.invalidConfig
        }
        if let n = shards, !(1...256).contains(n) {
            console.error("--shards \(n): must be between 1 and 256")
            return LorabenchExit.invalidConfig
        }
        var launcher = RunLauncher(console: console, out: results.out, resultsRoot: results.resultsRoot, quiet: quiet, progress: !noProgress,
                                   printsResult: true, onStart: onStart)
        launcher.segments = plan
        launcher.shards = shards ?? 1
        launcher.realtime = realtime
        do { launcher.tags = try results.tags(); launcher.jsonLines = results.jsonl; launcher.pushGateway = try results.pushGatewayURL() } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        return await launcher.perform(checked.scenario, bearerToken: checked.bearerToken).code
    }

    /// Why a load cannot be split this way (a segment with no VU or slot at all would measure nothing); nil when it can.
    static func unsplittable(_ load: Scenario.Load, _ segment: ExecutionSegment) -> String? {
        guard !segment.isWhole else { return nil }
        switch load {
        case .constantVUs, .rampingVUs:
            let most = load.maxInFlight
            return segment.share(of: most) == 0
                ? "the load has at most \(most) VU\(most == 1 ? "" : "s"), so segment \(segment.index) of \(segment.count) would never have one; use at most \(most) segments" : nil
        case .constantArrivalRate(_, _, _, _, let maxVUs), .rampingArrivalRate(_, _, _, _, let maxVUs):
            return segment.share(of: maxVUs) == 0
                ? "max_vus \(maxVUs) leaves segment \(segment.index) of \(segment.count) no slot to send from; raise max_vus to at least \(segment.count)" : nil
        }
    }
}
