import ArgumentParser
import Foundation
import Stats

/// `lorabench report`: renders saved results again, as text, JSON, Prometheus text or an HTML dashboard.
struct ReportCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render saved results: text, json, prometheus, or html (one run, or a trend page over many).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, prometheus, html }

    @Argument(help: "summary.json files or run folders (several make an HTML trend page).")
    var summaries: [String] = []

    @Option(help: "Output format: text, json, prometheus, html.")
    var format: Format = .text

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    func execute(_ console: Console) async -> ExitCode {
        guard !summaries.isEmpty else {
            console.error("report: give at least one summary.json or run folder")
            return LorabenchExit.invalidConfig
        }
        if format == .json && summaries.count != 1 {
            console.error("report: --format json takes one summary (use `merge` to combine runs)")
            return LorabenchExit.invalidConfig
        }
        // Two runs' exports in one text would repeat every family, which Prometheus rejects.
        if format == .prometheus && summaries.count != 1 {
            console.error("report: --format prometheus takes one summary (each run is its own exposition)")
            return LorabenchExit.invalidConfig
        }
        guard let runs = console.readSummaries(summaries) else { return LorabenchExit.invalidConfig }
        let text: String
        switch format {
        case .text: text = runs.map { TerminalReport.render($0) }.joined(separator: "\n")
        case .json:
            do { text = String(decoding: try runs[0].encoded(), as: UTF8.self) + "\n" } catch {
                console.error("\(error)")
                return LorabenchExit.runError
            }
        case .prometheus: text = PrometheusExport.render(runs[0])
        case .html:
            text = runs.count == 1 ? HTMLDashboard.render(run: runs[0], timeseries: ResultFiles.timeseries(besides: summaries[0]),
                                                                    streaming: ResultFiles.streaming(besides: summaries[0]))
                                   : HTMLDashboard.render(trend: runs, sources: summaries)
        }
        if let out {
            do { try AtomicFile.write(Data(text.utf8), to: out) } catch {
                console.error("\(error)")
                return LorabenchExit.runError
            }
        } else {
            console.print(text, terminator: "")
        }
        return LorabenchExit.ok
    }
}
