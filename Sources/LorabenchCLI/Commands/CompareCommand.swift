import ArgumentParser
import Foundation
import Stats

/// `lorabench compare BASE NEW`: headline metrics side by side; exit 99 on a regression beyond the tolerance and
/// beyond sampling noise, exit 104 when the runs are not comparable.
struct CompareCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs; exit 99 when NEW is worse than BASE beyond --tolerance percent and beyond sampling noise.")

    /// How the comparison is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The baseline summary.json (or run folder).")
    var base: String

    @Argument(help: "The new summary.json (or run folder).")
    var new: String

    @Option(help: "Allowed relative change in percent before a metric counts as a regression.")
    var tolerance: Double = 10

    @Option(help: "Comma-separated metrics (threshold names such as ttft.p95, error_rate, output_token_throughput).")
    var metrics: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Compare runs of different scenarios, loads or durations anyway (with a warning).")
    var allowMismatch = false

    func execute(_ console: Console) async -> ExitCode {
        guard let runs = console.readSummaries([base, new]) else { return LorabenchExit.invalidConfig }
        let b = runs[0], n = runs[1]
        var names = RunComparison.defaultMetrics
        if let metrics {
            names = metrics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for m in names {
                do { _ = try Threshold.parse(metric: m, expression: "< 0") } catch {
                    console.error("--metrics \(m): \(error)")
                    return LorabenchExit.invalidConfig
                }
            }
        }
        let mismatches = RunComparison.mismatches(base: b, new: n)
        if !mismatches.isEmpty {
            let why = mismatches.joined(separator: "; ")
            guard allowMismatch else {
                console.error("compare: the runs are not comparable (\(why)); pass --allow-mismatch to compare them anyway")
                return LorabenchExit.invalidConfig
            }
            console.error("WARNING: comparing runs that differ (\(why)); the verdicts below may reflect the difference, not a regression")
        }
        let c = RunComparison(base: b, new: n, tolerancePercent: tolerance, metrics: names)
        let baseLabel = "\(base) (\(b.run.startedAt))", newLabel = "\(new) (\(n.run.startedAt))"
        switch format {
        case .text: console.print(c.render(baseLabel: baseLabel, newLabel: newLabel))
        case .json: console.print(c.json(base: b, new: n, baseLabel: base, newLabel: new, mismatches: mismatches), terminator: "")
        }
        if !c.regressions.isEmpty {
            console.error("regressions beyond \(ReportText.number(tolerance))% and beyond sampling noise: "
                          + c.regressions.map(\.metric).joined(separator: ", "))
            return LorabenchExit.thresholdsFailed
        }
        return LorabenchExit.ok
    }
}
