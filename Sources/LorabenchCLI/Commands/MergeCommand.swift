import ArgumentParser
import Foundation
import LoadGen
import Stats

/// `lorabench merge`: one summary from several runs (e.g. generators on several machines), histograms merged exactly;
/// or, given the segment folders of one run (`run --segment i/n`), one result folder the other commands read as a run.
struct MergeCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge runs: segment folders into one result folder, or summaries into one summary.json (HDR histograms merged exactly).",
        discussion: """
        Folders written by `run --segment i/n` merge into the folder --out (summary.json, requests.csv with a segment column, streaming.csv, \
        timeseries.csv on wall-clock seconds, server_metrics.csv once); every segment of the run must be given once, and the \
        scenario's thresholds are evaluated on the merged result (exit 99 when one fails). Other runs merge into the summary file \
        --out: by default taken as simultaneous (the window is the longest one); --sequential adds the windows.
        """)

    @Argument(help: "Segment folders of one run, or summary.json files / run folders.")
    var summaries: [String]

    @Option(help: "Where to write: the merged folder (segments) or the merged summary.json (other runs).")
    var out: String

    @Flag(help: "The runs happened one after another: throughput is over the sum of their windows (not for segments).")
    var sequential = false

    func execute(_ console: Console) async -> ExitCode {
        guard summaries.count >= 2 else {
            console.error("merge: give at least two summaries to merge")
            return LorabenchExit.invalidConfig
        }
        guard summaries.count <= RunMerge.maxRuns else {
            console.error("merge: at most \(RunMerge.maxRuns) summaries at once (merge the merged ones again for more)")
            return LorabenchExit.invalidConfig
        }
        guard let runs = console.readSummaries(summaries) else { return LorabenchExit.invalidConfig }
        let segments = runs.filter { $0.run.segment != nil }.count
        if segments == runs.count { return mergeSegments(runs, console) }
        if segments > 0 {
            let (a, b) = (zip(summaries, runs).first { $0.1.run.segment != nil }!.0, zip(summaries, runs).first { $0.1.run.segment == nil }!.0)
            console.error("merge: \(a) is a segment of a run and \(b) is not; merge a run's segments on their own")
            return LorabenchExit.invalidConfig
        }
        let merged = RunMerge.merge(runs, sequential: sequential, version: LorabenchCommand.version)
        do { try AtomicFile.write(try merged.encoded(), to: out) } catch {
            console.error("\(error)")
            return LorabenchExit.runError
        }
        console.print(TerminalReport.render(merged, resultsDir: out))
        return LorabenchExit.ok
    }

    private func mergeSegments(_ runs: [RunSummary], _ console: Console) -> ExitCode {
        if sequential {
            console.error("merge: --sequential does not apply to segments (they share one window)")
            return LorabenchExit.invalidConfig
        }
        let parts: [SegmentMerge.Part]
        do {
            let folders = try zip(summaries, runs).map { path, s -> (path: String, summary: RunSummary) in
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
                    throw SummaryReadError(message: "\(path): give the segment's folder (its requests.csv and timeseries.csv are merged too)")
                }
                return (path, s)
            }
            parts = try SegmentMerge.check(folders)
        } catch {
            console.error("merge: \(error)")
            return LorabenchExit.invalidConfig
        }
        let lock: ResultsLock
        do {
            _ = try ResultsDirectory.plan(explicit: out, root: ".", scenarioName: parts[0].summary.run.scenarioName)
            lock = try ResultsDirectory.claim(out)
        } catch {
            console.error("merge: \(error)")
            return LorabenchExit.runError
        }
        defer { lock.release() }
        let merged: RunSummary
        do { merged = try SegmentMerge.merge(parts, into: out, version: LorabenchCommand.version) } catch let e as SummaryReadError {
            console.error("merge: \(e)")
            return LorabenchExit.invalidConfig
        } catch {
            console.error("merge: \(error)")
            return LorabenchExit.runError
        }
        console.print(TerminalReport.render(merged, resultsDir: out))
        if !merged.thresholdsPassed {
            let crossed = merged.thresholds.filter { !$0.passed }
            console.error("thresholds failed: " + crossed.map { "\($0.metric) \($0.expression) (actual \($0.actual.map { ReportText.number($0) } ?? "no data"))" }
                .joined(separator: ", "))
            return LorabenchExit.thresholdsFailed
        }
        return LorabenchExit.ok
    }
}
