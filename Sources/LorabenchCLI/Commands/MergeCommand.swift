import ArgumentParser
import Foundation
import Stats

/// `lorabench merge`: one summary from several runs (e.g. generators on several machines), histograms merged exactly.
struct MergeCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge runs into one summary.json: counts added, HDR histograms merged exactly.",
        discussion: "By default the runs are taken as simultaneous (the window is the longest one); --sequential adds the windows.")

    @Argument(help: "summary.json files or run folders.")
    var summaries: [String]

    @Option(help: "Where to write the merged summary.json.")
    var out: String

    @Flag(help: "The runs happened one after another: throughput is over the sum of their windows.")
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
        let merged = RunMerge.merge(runs, sequential: sequential, version: LorabenchCommand.version)
        do { try AtomicFile.write(try merged.encoded(), to: out) } catch {
            console.error("\(error)")
            return LorabenchExit.runError
        }
        console.print(TerminalReport.render(merged, resultsDir: out))
        return LorabenchExit.ok
    }
}
