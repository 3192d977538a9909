import ArgumentParser
import Foundation
import LoadGen
import Stats

/// `lorabench sweep`: adapter count × load grid, one full run per cell, one table and two charts.
struct SweepCommand: AsyncParsableCommand {
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

    @Option(help: "Sweep folder (default: <results-root>/<UTC timestamp>-<name>-sweep).")
    var out: String?

    @Option(name: .customLong("results-root"), help: "Where the sweep folder is created.")
    var resultsRoot: String = "results"

    @Flag(help: "Continue an interrupted sweep in --out, skipping finished cells.")
    var resume = false

    func run() async throws {
        let code = await execute(environment: ProcessInfo.processInfo.environment)
        if code != LorabenchExit.ok { throw code }
    }

    static func list<T>(_ text: String?, _ name: String, _ parse: (String) -> T?) throws -> [T]? {
        guard let text else { return nil }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.compactMap(parse)
        guard values.count == items.count, !values.isEmpty else {
            throw ScenarioError(file: "command line", issues: [ScenarioIssue(path: "--\(name)", message: "expected comma-separated numbers, got \"\(text)\"")])
        }
        return values
    }

    func execute(environment: [String: String]) async -> ExitCode {
        // Plan and validate every cell before anything is sent.
        let base: Scenario, plan: SweepPlan, document: JSONValue
        var cells: [(SweepPlan.Cell, Scenario)] = []
        do {
            var doc = try JSONValue.parse(try ScenarioLoader.readFile(scenario))
            for o in scenarioOptions.overrides { doc = try ScenarioOverride.apply(o, to: doc) }
            document = doc
            base = try ScenarioLoader.load(document: doc, file: scenario, environment: environment)
            plan = try SweepPlan.make(
                document: doc, base: base, file: scenario,
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
            for cell in plan.cells {
                let s = try ScenarioLoader.load(document: plan.document(for: cell, base: doc), file: "\(scenario) [\(cell.id)]", environment: environment)
                if case .simulator(let settings) = s.target.endpoint { _ = try EmbeddedTarget.simConfig(settings, file: scenario) }
                cells.append((cell, s))
            }
        } catch let e as ScenarioError {
            Console.error(e.description)
            return LorabenchExit.invalidConfig
        } catch let e as ScenarioIssue {
            Console.error("\(scenario): \(e)")
            return LorabenchExit.invalidConfig
        } catch {
            Console.error("\(scenario): not valid JSON: \(error)")
            return LorabenchExit.invalidConfig
        }

        let dir: String
        if resume {
            guard let out, FileManager.default.fileExists(atPath: out) else {
                Console.error("--resume needs --out naming the folder of the sweep to continue")
                return LorabenchExit.invalidConfig
            }
            dir = out
        } else {
            do {
                dir = try ResultsDirectory.plan(explicit: out, root: resultsRoot, scenarioName: base.name + "-sweep")
                try ResultsDirectory.create(dir + "/cells")
            } catch {
                Console.error("\(error)")
                return LorabenchExit.runError
            }
        }
        Console.info("sweep \(base.name): \(cells.count) cells (adapters \(plan.adapterCounts.map(String.init).joined(separator: ",")) × "
                     + "\(plan.loadAxis) \(plan.loadAxis == "rate" ? plan.rates.map { TerminalReport.fmt($0) }.joined(separator: ",") : plan.concurrency.map(String.init).joined(separator: ","))), "
                     + "\(DurationText.format(plan.duration)) each, into \(dir)")

        var rows: [SweepRow] = []
        var capacity: [String: Double] = [:]
        var interrupted = false
        for a in plan.adapterCounts {
            var lastPass: SweepPlan.Cell?
            var queue = cells.filter { $0.0.adapters == a }
            while !queue.isEmpty && !interrupted {
                let (cell, s) = queue.removeFirst()
                let (code, row) = await runCell(cell, s, dir: dir, environment: environment)
                guard let row else {
                    if code == LorabenchExit.aborted { interrupted = true; break }
                    Console.error("cell \(cell.id) failed to run; continuing")
                    continue
                }
                rows.append(row)
                try? SweepReport(scenarioName: base.name, loadAxis: plan.loadAxis, rows: rows, capacity: capacity, complete: false).write(to: dir)
                if code == LorabenchExit.aborted { interrupted = true; break }
                guard plan.untilSLO else { continue }
                if (row.goodputFraction ?? 0) >= plan.sloFraction {
                    lastPass = cell
                } else {
                    queue.removeAll()
                    // Bisect the concurrency between the last level that held and the first that did not.
                    if let lo = lastPass?.concurrency, let hi = cell.concurrency, hi - lo > 1 {
                        var l = lo, h = hi
                        while h - l > 1 && !interrupted {
                            let mid = (l + h) / 2
                            let c = SweepPlan.Cell(adapters: a, concurrency: mid, rate: nil)
                            guard let s2 = try? ScenarioLoader.load(document: plan.document(for: c, base: document), file: scenario, environment: environment) else { break }
                            let (code2, row2) = await runCell(c, s2, dir: dir, environment: environment)
                            if code2 == LorabenchExit.aborted { interrupted = true }
                            guard let row2 else { break }
                            rows.append(row2)
                            if (row2.goodputFraction ?? 0) >= plan.sloFraction { l = mid; lastPass = c } else { h = mid }
                        }
                    }
                }
            }
            if plan.untilSLO {
                capacity[String(a)] = lastPass.map { $0.concurrency.map(Double.init) ?? $0.rate ?? 0 } ?? 0
            }
            if interrupted { break }
        }
        let report = SweepReport(scenarioName: base.name, loadAxis: plan.loadAxis, rows: rows, capacity: capacity, complete: !interrupted)
        do { try report.write(to: dir) } catch {
            Console.error("\(error)")
            return LorabenchExit.runError
        }
        print(Self.table(report))
        print("  sweep results ..... \(dir) (sweep.json, sweep.csv, ttft-vs-adapters.svg, throughput-vs-load.svg)")
        if interrupted {
            Console.error("sweep interrupted; continue with: lorabench sweep \(scenario) --resume --out \(dir) (same options)")
            return LorabenchExit.aborted
        }
        return LorabenchExit.ok
    }

    /// Runs one cell (or reads it back when `--resume` finds it finished).
    private func runCell(_ cell: SweepPlan.Cell, _ s: Scenario, dir: String, environment: [String: String]) async -> (ExitCode, SweepRow?) {
        let cellDir = "\(dir)/cells/\(cell.id)"
        let rel = "cells/\(cell.id)"
        if resume, let data = FileManager.default.contents(atPath: cellDir + "/summary.json"),
           let summary = try? RunSummary.read(data, source: cellDir), !summary.run.interrupted {
            Console.info("  \(cell.id): already done, kept")
            return (LorabenchExit.ok, SweepRow(cell: cell.id, adapters: cell.adapters, concurrency: cell.concurrency, rate: cell.rate, summary: summary, directory: rel))
        }
        if resume, FileManager.default.fileExists(atPath: cellDir) { try? FileManager.default.removeItem(atPath: cellDir) }
        let (code, outcome) = await RunCommand.perform(s, file: scenario, out: cellDir, resultsRoot: dir, quiet: true, progress: false,
                                                       environment: environment, printsResult: false)
        guard let outcome else { return (code, nil) }
        let row = SweepRow(cell: cell.id, adapters: cell.adapters, concurrency: cell.concurrency, rate: cell.rate, summary: outcome.summary, directory: rel)
        Console.info(String(format: "  %@: ttft p50 %@ ms, p95 %@ ms, %@ tok/s, %d errors", cell.id, TerminalReport.fmt(row.ttftP50),
                            TerminalReport.fmt(row.ttftP95), TerminalReport.fmt(row.outputTokensPerSecond), row.errors))
        return (code, row)
    }

    static func table(_ r: SweepReport) -> String {
        let cols = ["adapters", r.loadAxis, "ttft p50", "ttft p95", "ttft p99", "cold p50", "tpot p50", "e2e p95", "tok/s", "req/s", "goodput", "errors"]
        var out = ["", cols.map { TerminalReport.lpadPublic($0, 10) }.joined()]
        for row in r.rows.sorted(by: { ($0.adapters, $0.concurrency ?? 0, $0.rate ?? 0) < ($1.adapters, $1.concurrency ?? 0, $1.rate ?? 0) }) {
            let load = row.concurrency.map(String.init) ?? TerminalReport.fmt(row.rate ?? 0)
            let cells = [String(row.adapters), load, TerminalReport.fmt(row.ttftP50), TerminalReport.fmt(row.ttftP95), TerminalReport.fmt(row.ttftP99),
                         row.coldTTFTP50.map { TerminalReport.fmt($0) } ?? "-", TerminalReport.fmt(row.tpotP50), TerminalReport.fmt(row.e2eP95),
                         TerminalReport.fmt(row.outputTokensPerSecond), TerminalReport.fmt(row.requestsPerSecond),
                         row.goodput.map { TerminalReport.fmt($0) } ?? "-", String(row.errors)]
            out.append(cells.map { TerminalReport.lpadPublic($0, 10) }.joined())
        }
        if !r.capacity.isEmpty {
            out.append("")
            for (a, c) in r.capacity.sorted(by: { Int($0.key)! < Int($1.key)! }) {
                out.append("  capacity at \(a) adapters: \(TerminalReport.fmt(c)) \(r.loadAxis)\(c == 0 ? " (no tested level met the SLOs)" : "")")
            }
        }
        out.append("")
        return out.joined(separator: "\n")
    }
}
