import ArgumentParser
import Foundation
import Stats

/// `lorabench compare BASE… NEW`: headline metrics side by side; exit 99 on a regression beyond the tolerance and
/// beyond sampling noise (and, with several base runs, worse than the worst of them), exit 104 when the runs are
/// not comparable.
struct CompareCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs; exit 99 when NEW (the last argument) is worse than the base runs beyond --tolerance percent and beyond sampling noise.")

    /// How the comparison is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, junit }

    @Argument(help: "One or more baseline summary.json files (or run folders; several = the last good runs, pooled), then the new one.")
    var runs: [String] = []

    @Option(help: "Allowed relative change in percent before a metric counts as a regression.")
    var tolerance: Double = 10

    @Option(help: "Comma-separated metrics (threshold names such as ttft.p95, error_rate, ttft{adapter:org/a}.p50).")
    var metrics: String?

    @Option(name: .customLong("fail-on"), help: "A gate METRIC:+N% (lower-is-better) or METRIC:-N% (higher-is-better); repeatable. With gates, only they fail the comparison.")
    var failOn: [String] = []

    @Option(help: "Output format: text, json, markdown or junit.")
    var format: Format = .text

    @Flag(help: "Compare runs of different scenarios, loads or durations anyway (with a warning).")
    var allowMismatch = false

    func execute(_ console: Console) async -> ExitCode {
        guard runs.count >= 2 else {
            console.error("compare: expected at least two runs (BASE… NEW), got \(runs.count)")
            return LorabenchExit.invalidConfig
        }
        var gates: [RunComparison.Gate] = []
        for g in failOn.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) {
            do { gates.append(try .parse(g)) } catch {
                console.error("--fail-on \(error)")
                return LorabenchExit.invalidConfig
            }
        }
        var names: [String]?
        if let metrics {
            names = []
            for m in metrics.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                do { names!.append(try MetricPath.parse(m).description) } catch {
                    console.error("--metrics \(m): \(error)")
                    return LorabenchExit.invalidConfig
                }
            }
        }
        guard let summaries = console.readSummaries(runs) else { return LorabenchExit.invalidConfig }
        let bases = Array(summaries.dropLast()), n = summaries.last!
        let baseNames = Array(runs.dropLast()), newName = runs.last!
        var mismatches: [String] = []
        for (i, b) in bases.enumerated() {
            let prefix = bases.count > 1 ? baseNames[i] + ": " : ""
            mismatches += RunComparison.mismatches(base: b, new: n).map { prefix + $0 }
        }
        if !mismatches.isEmpty {
            let why = mismatches.joined(separator: "; ")
            guard allowMismatch else {
                console.error("compare: the runs are not comparable (\(why)); pass --allow-mismatch to compare them anyway")
                return LorabenchExit.invalidConfig
            }
            console.error("WARNING: comparing runs that differ (\(why)); the verdicts below may reflect the difference, not a regression")
        }
        let c = RunComparison(bases: bases, new: n, tolerancePercent: tolerance,
                              metrics: names ?? RunComparison.defaultMetrics(base: bases.last!, new: n), gates: gates)
        let baseLabel = bases.count == 1 ? "\(baseNames[0]) (\(bases[0].run.startedAt))"
            : "\(bases.count) runs, \(bases.map(\.run.startedAt).min()!) to \(bases.map(\.run.startedAt).max()!)"
        let newLabel = "\(newName) (\(n.run.startedAt))"
        switch format {
        case .text: console.print(c.render(baseLabel: baseLabel, newLabel: newLabel))
        case .json: console.print(c.json(base: bases.last!, new: n, baseLabel: baseNames.joined(separator: ","), newLabel: newName,
                                         mismatches: mismatches), terminator: "")
        case .markdown: console.print(c.markdown(baseLabel: baseLabel, newLabel: newLabel, mismatches: mismatches), terminator: "")
        case .junit: console.print(c.junit(baseLabel: baseLabel, newLabel: newLabel), terminator: "")
        }
        if !c.regressions.isEmpty {
            let beyond = gates.isEmpty ? "beyond \(ReportText.number(tolerance))% and beyond sampling noise" : "on a --fail-on gate, beyond sampling noise"
            console.error("regressions \(beyond): " + c.regressions.map(\.metric).joined(separator: ", "))
            return LorabenchExit.thresholdsFailed
        }
        return LorabenchExit.ok
    }
}
