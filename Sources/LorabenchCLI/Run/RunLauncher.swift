import ArgumentParser
import Foundation
import LoadGen
import Stats

/// One checked scenario run end to end for a command: the embedded simulator, stop requests, the run, its report
/// and its exit code. `run` uses it once, `sweep` once per cell.
struct RunLauncher {
    let console: Console
    var out: String?
    var resultsRoot = "results"
    var quiet = false
    /// Draw the live progress line (only where stderr is a terminal, and never when quiet).
    var progress = false
    /// Print the terminal report (sweep cells report for themselves).
    var printsResult = true
    /// Called with the runner before the window starts (tests stop it from outside).
    var onStart: (@Sendable (Runner) -> Void)?
    /// Where stop requests come from when the caller arms one trap for many runs (a sweep); nil arms one per run.
    var relay: StopRelay?
    /// The share of a multi-process run this one sends (`run --segment`), its start instant and run id.
    var segments = SegmentOptions.Plan()
    /// Event loops in this process (`run --shards`).
    var shards = 1

    func perform(_ s: Scenario, bearerToken: String?) async -> (code: ExitCode, outcome: RunOutcome?) {
        let target: EmbeddedTarget
        do { target = try await EmbeddedTarget.start(s) } catch {
            console.error("cannot start the embedded simulator: \(error)")
            return (LorabenchExit.runError, nil)
        }
        var options = RunOptions()
        options.outDir = out
        options.resultsRoot = resultsRoot
        if progress && !quiet && console.stderrIsTerminal { options.collectors.append(ProgressLine(console: console)) }
        options.bearerToken = bearerToken
        options.version = LorabenchCommand.version
        options.segment = segments.segment
        options.shards = shards
        options.startAt = segments.startAt
        options.runId = segments.runId
        if !quiet { options.log = { [console] in console.info($0) } }
        let runner = Runner(scenario: s, baseURL: target.baseURL, options: options)
        let relay = self.relay ?? StopRelay()
        let trap = self.relay == nil ? relay.trap(on: console, gracefulStop: s.gracefulStop) : nil
        relay.attach(runner)
        defer {
            relay.detach()
            trap?.disarm()
        }
        onStart?(runner)
        if !quiet {
            let what = target.simulator != nil ? "embedded simulator at \(target.baseURL)" : TargetURL.redacted(target.baseURL)
            console.info("lorabench \(LorabenchCommand.version): \(s.name)\(segments.segment.isWhole ? "" : ", segment \(segments.segment)"), \(s.load.executorName) for \(DurationText.format(s.load.duration)) against \(what)")
        }
        let outcome: RunOutcome
        do {
            outcome = try await runner.run()
        } catch let e as RunError {
            await target.stop()
            console.error(e.description)
            if case .interruptedBeforeStart = e { return (LorabenchExit.aborted, nil) }
            return (LorabenchExit.runError, nil)
        } catch {
            await target.stop()
            console.error("\(error)")
            return (LorabenchExit.runError, nil)
        }
        await target.stop()
        if printsResult {
            console.print(quiet ? outcome.directory : TerminalReport.render(outcome.summary, resultsDir: outcome.directory))
        }
        if outcome.summary.run.interrupted { return (LorabenchExit.aborted, outcome) }
        if !outcome.summary.thresholdsPassed {
            let crossed = outcome.summary.thresholds.filter { !$0.passed }
            if !quiet { console.error("thresholds failed: " + crossed.map { "\($0.metric) \($0.expression)" }.joined(separator: ", ")) }
            // Quiet still says why the run failed, one crossed threshold a line with the value that crossed it (k6 does).
            else if printsResult {
                for t in crossed {
                    console.error("threshold crossed: \(t.metric) \(t.expression) (actual \(t.actual.map { ReportText.number($0) } ?? "no data"))")
                }
            }
            return (LorabenchExit.thresholdsFailed, outcome)
        }
        return (LorabenchExit.ok, outcome)
    }
}
