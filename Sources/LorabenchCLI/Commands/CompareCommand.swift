import ArgumentParser
import Foundation
import Stats

/// `lorabench compare BASE NEW`: headline metrics side by side; exit 99 on a regression beyond the tolerance.
struct CompareCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs; exit 99 when NEW is worse than BASE by more than --tolerance percent.")

    @Argument(help: "The baseline summary.json (or run folder).")
    var base: String

    @Argument(help: "The new summary.json (or run folder).")
    var new: String

    @Option(help: "Allowed relative change in percent before a metric counts as a regression.")
    var tolerance: Double = 10

    @Option(help: "Comma-separated metrics (threshold names such as ttft.p95, error_rate, output_token_throughput).")
    var metrics: String?

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
        let c = RunComparison(base: b, new: n, tolerancePercent: tolerance, metrics: names)
        console.print(c.render(baseLabel: "\(base) (\(b.run.startedAt))", newLabel: "\(new) (\(n.run.startedAt))"))
        if !c.regressions.isEmpty {
            console.error("regressions beyond \(ReportText.number(tolerance))%: " + c.regressions.map(\.metric).joined(separator: ", "))
            return LorabenchExit.thresholdsFailed
        }
        return LorabenchExit.ok
    }
}
