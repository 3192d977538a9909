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
    /// `--tag` labels for summary.json and the exports.
    var tags: [String: String] = [:]
    /// `--jsonl`: requests.jsonl beside requests.csv.
    var jsonLines = false
    /// `--push-gateway`: where each run's metrics are PUT.
    var pushGateway: String?
    /// Where stop requests come from when the caller arms one trap for many runs (a sweep); nil arms one per run.
    var relay: StopRelay?
    /// The share of a multi-process run this one sends (`run --segment`), its start instant and run id.
    var segments = SegmentOptions.Plan()
    /// Event loops in this process (`run --shards`).
    var shards = 1
    /// `run --realtime`: event loops under SCHED_FIFO.
    var realtime = false

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
        options.tags = tags
        options.jsonLines = jsonLines
        options.segment = segments.segment
        options.shards = shards
        options.realtime = realtime
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
        if let pushGateway {
            let url = PushGateway.groupURL(base: pushGateway, scenario: outcome.summary.run.scenarioName, tags: tags)
            if case .failure(let f) = PushGateway.put(PrometheusExport.render(outcome.summary), to: url) {
                console.error("push to \(TargetURL.redacted(url)) failed: \(f); the results are complete in \(outcome.directory)"
                              + " (push them again with `lorabench report \(outcome.directory) --format prometheus`)")
                return (LorabenchExit.runError, outcome)
            }
            if !quiet { console.info("pushed to \(TargetURL.redacted(url))") }
        }
        if outcome.summary.run.interrupted { return (LorabenchExit.aborted, outcome) }
        if let abort = outcome.summary.run.abortedByThreshold, printsResult {
            console.error("run aborted early: threshold \(abort) crossed during the window (abortOnFail)")
        }
        if !outcome.summary.thresholdsPassed {
            let crossed = outcome.summary.thresholds.filter { !$0.passed }
            if !quiet, !crossed.isEmpty { console.error("thresholds failed: " + crossed.map { "\($0.metric) \($0.expression)" }.joined(separator: ", ")) }
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
