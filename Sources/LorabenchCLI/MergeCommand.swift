import ArgumentParser
import Foundation
import Stats

/// `lorabench merge`: one summary from several runs (e.g. generators on several machines), histograms merged exactly.
struct MergeCommand: AsyncParsableCommand {
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

    func run() async throws {
        let runs: [RunSummary]
        do { runs = try summaries.map(SummaryFiles.read) } catch {
            Console.error("\(error)")
            throw LorabenchExit.invalidConfig
        }
        guard runs.count >= 2 else { throw ValidationError("give at least two summaries to merge") }
        let merged = Self.merge(runs, sequential: sequential)
        do { try AtomicFile.write(try merged.encoded(), to: out) } catch {
            Console.error("\(error)")
            throw LorabenchExit.runError
        }
        print(TerminalReport.render(merged, resultsDir: out))
    }

    static func merge(_ runs: [RunSummary], sequential: Bool) -> RunSummary {
        var aggregate = Aggregate()
        for r in runs { aggregate.merge(r.aggregate) }
        let first = runs.min { $0.run.startedAt < $1.run.startedAt }!
        let last = runs.max { $0.run.endedAt < $1.run.endedAt }!
        let window = sequential ? runs.reduce(0) { $0 + $1.run.windowSeconds } : runs.map(\.run.windowSeconds).max()!
        let names = Array(Set(runs.map(\.run.scenarioName))).sorted()
        let info = RunSummary.Run(
            scenarioName: names.joined(separator: "+"), executor: first.run.executor, target: first.run.target, api: first.run.api,
            lorabenchVersion: LorabenchCommand.version, host: "merged from \(runs.count) runs", startedAt: first.run.startedAt,
            endedAt: last.run.endedAt, windowSeconds: window, interrupted: runs.contains { $0.run.interrupted },
            requestedRate: runs.allSatisfy { $0.run.requestedRate != nil } ? runs.compactMap(\.run.requestedRate).reduce(0, +) : nil,
            scheduledSeconds: runs.compactMap(\.run.scheduledSeconds).max())
        return RunSummary(run: info, scenario: .array(runs.map(\.scenario)), slo: first.slo, aggregate: aggregate)
    }
}
