import ArgumentParser
import Foundation
import LoadGen
import Stats

/// `lorabench sweep`: adapter count × load grid, one full run per cell, one table and two charts.
struct SweepCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of adapter counts × concurrency (or rate): sweep.json, sweep.csv, SVG charts.",
        discussion: """
        Every cell is a full run with the same seed and its own results folder under <out>/cells/. With the embedded
        simulator each cell gets a fresh simulator, so every adapter starts cold. --until-slo searches, for each adapter
        count, the highest load whose requests meet the scenario's SLOs (at least --slo-fraction of them).
        """)

    @Argument(help: "Scenario file (JSON).")
    var scenario: String

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Adapter counts, comma separated (0 = base model only).")
    var adapters: String?

    @Option(help: "Concurrency levels (closed model), comma separated.")
    var concurrency: String?

    @Option(help: "Arrival rates per second (open model), comma separated.")
    var rate: String?

    @Option(name: .customLong("cell-duration"), help: "Measured window of each cell (default: the scenario's length).")
    var cellDuration: String?

    @Flag(name: .customLong("until-slo"), help: "Find the highest load meeting the SLOs for each adapter count.")
    var untilSLO = false

    @Option(name: .customLong("slo-fraction"), help: "Share of requests that must meet the SLOs (default 0.95).")
    var sloFraction: Double?

    @OptionGroup var results: ResultsOptions

    @Flag(help: "Continue an interrupted sweep in --out, skipping finished cells.")
    var resume = false

    @Option(name: .customLong("cell-setup"),
            help: "Shell command run before each cell (restart the server, unload adapters); LORABENCH_CELL names the cell.")
    var cellSetup: String?

    static func list<T>(_ text: String?, _ name: String, _ parse: (String) -> T?) throws -> [T]? {
        guard let text else { return nil }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.compactMap(parse)
        guard values.count == items.count, !values.isEmpty else {
            throw ScenarioError(file: "command line", issues: [ScenarioIssue(path: "--\(name)", message: "expected comma-separated numbers, got \"\(text)\"")])
        }
        return values
    }

    /// The command-line values of the sweep, checked.
    func request() throws -> SweepRequest {
        SweepRequest(
            adapters: try Self.list(adapters, "adapters") { Int($0).flatMap { $0 >= 0 ? $0 : nil } },
            concurrency: try Self.list(concurrency, "concurrency") { Int($0).flatMap { $0 >= 1 ? $0 : nil } },
            rates: try Self.list(rate, "rate") { Double($0).flatMap { $0 > 0 ? $0 : nil } },
            duration: try cellDuration.map { text in
                guard let d = DurationText.parse(text), d > .zero else {
                    throw ScenarioError(file: "command line", issues: [ScenarioIssue(path: "--cell-duration", message: "expected a duration like \"30s\", got \"\(text)\"")])
                }
                return d
            },
            untilSLO: untilSLO, sloFraction: sloFraction)
    }

    func execute(_ console: Console) async -> ExitCode {
        // Plan and check every cell before anything is sent.
        let check = ScenarioCheck.of(scenario, overrides: scenarioOptions.overrides, console: console)
        let checked: CheckedScenario
        do { checked = try check.check(sweep: .required(try request())) } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        guard let sweep = checked.sweep else { return LorabenchExit.invalidConfig }
        let base = checked.scenario, plan = sweep.plan

        let dir: String
        if resume {
            guard let out = results.out, FileManager.default.fileExists(atPath: out) else {
                console.error("--resume needs --out naming the folder of the sweep to continue")
                return LorabenchExit.invalidConfig
            }
            dir = out
        } else {
            do {
                dir = try ResultsDirectory.plan(explicit: results.out, root: results.resultsRoot, scenarioName: base.name + "-sweep")
                try ResultsDirectory.create(dir + "/cells")
            } catch {
                console.error("\(error)")
                return LorabenchExit.runError
            }
        }
        let levels = plan.loadAxis == "rate" ? plan.rates.map { ReportText.number($0) } : plan.concurrency.map(String.init)
        console.info("sweep \(base.name): \(sweep.cells.count) cells (adapters \(plan.adapterCounts.map(String.init).joined(separator: ",")) × "
                     + "\(plan.loadAxis) \(levels.joined(separator: ","))), \(DurationText.format(plan.duration)) each, into \(dir)")

        // One trap for the whole sweep: a stop request reaches the cell in flight, or keeps the next from starting.
        let relay = StopRelay()
        let trap = relay.trap(on: console, gracefulStop: base.gracefulStop)
        defer { trap.disarm() }
        var cellTemplate = RunLauncher(console: console, quiet: true, progress: false, printsResult: false, relay: relay)
        do { cellTemplate.tags = try results.tags(); cellTemplate.jsonLines = results.jsonl; cellTemplate.pushGateway = try results.pushGatewayURL() } catch {
            console.error("\(error)")
            return LorabenchExit.invalidConfig
        }
        let launcher = cellTemplate
        let token = checked.bearerToken
        let setup = cellSetup.map(CellSetup.init)
        if setup == nil, case .url = base.target.endpoint, sweep.plan.adapterCounts.contains(where: { $0 > 0 }) {
            console.info("note: the cells share one server that lorabench does not restart: adapters loaded by earlier cells "
                         + "stay warm, so a 1st-touch TTFT is not a cold load (give --cell-setup to restart or unload between cells)")
        }
        let environment = console.environment
        let runner = SweepRunner(name: base.name, sweep: sweep, document: checked.document, check: check, directory: dir, resume: resume)
        let report: SweepReport
        do {
            report = try await runner.run(cell: { cell, s, cellDir in
                if relay.stopRequests > 0 { return SweepRunner.CellResult(summary: nil, aborted: true) }
                if let setup, let failure = await setup.run(cell: cell.id, directory: cellDir, environment: environment,
                                                                             stopped: { relay.stopRequests > 0 }) {
                    console.error("cell \(cell.id): \(failure); cell skipped")
                    return SweepRunner.CellResult(summary: nil, aborted: relay.stopRequests > 0)
                }
                var cellLauncher = launcher
                cellLauncher.out = cellDir
                cellLauncher.resultsRoot = dir
                let (code, outcome) = await cellLauncher.perform(s, bearerToken: token)
                return SweepRunner.CellResult(summary: outcome?.summary, aborted: code == LorabenchExit.aborted)
            }, events: { [console] event in console.info(Self.describe(event)) })
        } catch {
            console.error("\(error)")
            return LorabenchExit.runError
        }
        console.print(report.terminalTable())
        let charts = report.qualityKeys.isEmpty ? "" : ", quality-vs-load.svg"
        console.print("  sweep results ..... \(dir) (sweep.json, sweep.csv, ttft-vs-adapters.svg, throughput-vs-load.svg\(charts))")
        if report.complete && report.rows.isEmpty {
            console.error("no cell of the sweep could be run")
            return LorabenchExit.runError
        }
        if !report.complete {
            console.error("sweep interrupted; continue with: lorabench sweep \(scenario) --resume --out \(dir) (same options)")
            return LorabenchExit.aborted
        }
        return LorabenchExit.ok
    }

    /// One line per cell as the sweep goes.
    static func describe(_ event: SweepEvent) -> String {
        switch event {
        case .kept(let row): return "  \(row.cell): already done, kept"
        case .failed(let cell): return "lorabench: cell \(cell) failed to run; continuing"
        case .finished(let row):
            let line = String(format: "  %@: ttft p50 %@ ms, p95 %@ ms, %@ tok/s, %d errors", row.cell, row.ttftP50.map { ReportText.number($0) } ?? "-",
                              row.ttftP95.map { ReportText.number($0) } ?? "-", ReportText.number(row.outputTokensPerSecond), row.errors)
            guard let q = row.quality else { return line }
            return line + ", quality \(ReportText.number(q * 100))% (lowest \(ReportText.number((row.qualityMin ?? q) * 100))%)"
        }
    }
}
