import Foundation
import Stats

/// What happened to one sweep cell, for whoever presents the sweep.
public enum SweepEvent: Sendable {
    /// `--resume` found the cell finished and kept it.
    case kept(SweepRow)
    case finished(SweepRow)
    /// The cell could not be run (its run error was already reported); the sweep goes on.
    case failed(cell: String)
}

/// Carries out a checked sweep: the cells in order, `--until-slo` bisection, `--resume`, and sweep.json rewritten
/// after every cell. It runs no request itself: `runCell` carries out one cell's scenario into a folder, so the
/// CLI (embedded simulator, signals) and tests each supply their own.
public struct SweepRunner: Sendable {
    /// How one cell ended.
    public struct CellResult: Sendable {
        public var summary: RunSummary?
        /// Stopped by a signal: the sweep ends after recording what it has.
        public var aborted: Bool

        public init(summary: RunSummary?, aborted: Bool) {
            self.summary = summary
            self.aborted = aborted
        }
    }

    public typealias CellAction = @Sendable (_ cell: SweepPlan.Cell, _ scenario: Scenario, _ directory: String) async -> CellResult

    public let name: String
    public let sweep: CheckedSweep
    /// The scenario document the cells derive from (bisection makes new cells from it).
    public let document: JSONValue
    public let check: ScenarioCheck
    /// The sweep folder; cells go under `cells/<id>/`.
    public let directory: String
    public let resume: Bool

    public init(name: String, sweep: CheckedSweep, document: JSONValue, check: ScenarioCheck, directory: String, resume: Bool) {
        self.name = name
        self.sweep = sweep
        self.document = document
        self.check = check
        self.directory = directory
        self.resume = resume
    }

    /// Runs the grid; the report's `complete` is false when a cell was aborted.
    public func run(cell runCell: CellAction, events: @Sendable (SweepEvent) -> Void = { _ in }) async throws -> SweepReport {
        let plan = sweep.plan
        var rows: [SweepRow] = []
        var capacity: [String: Double] = [:]
        var interrupted = false

        /// One cell: kept from an earlier run, or run now; nil when it could not be run.
        func step(_ cell: SweepPlan.Cell, _ s: Scenario) async -> SweepRow? {
            let rel = "cells/\(cell.id)"
            let cellDir = "\(directory)/\(rel)"
            if resume, let kept = Self.finished(cellDir) {
                let row = SweepRow(cell: cell.id, adapters: cell.adapters, concurrency: cell.concurrency, rate: cell.rate, summary: kept, directory: rel)
                events(.kept(row))
                return row
            }
            if resume, FileManager.default.fileExists(atPath: cellDir) { try? FileManager.default.removeItem(atPath: cellDir) }
            let result = await runCell(cell, s, cellDir)
            if result.aborted { interrupted = true }
            guard let summary = result.summary else {
                if !result.aborted { events(.failed(cell: cell.id)) }
                return nil
            }
            let row = SweepRow(cell: cell.id, adapters: cell.adapters, concurrency: cell.concurrency, rate: cell.rate, summary: summary, directory: rel)
            events(.finished(row))
            return row
        }

        func meets(_ row: SweepRow) -> Bool { (row.goodputFraction ?? 0) >= plan.sloFraction }

        for a in plan.adapterCounts where !interrupted {
            var lastPass: SweepPlan.Cell?
            var queue = sweep.cells.filter { $0.cell.adapters == a }
            while !queue.isEmpty && !interrupted {
                let (cell, s) = queue.removeFirst()
                guard let row = await step(cell, s) else { continue }
                rows.append(row)
                try? report(rows, capacity, complete: false).write(to: directory)
                guard plan.untilSLO, !interrupted else { continue }
                if meets(row) { lastPass = cell; continue }
                queue.removeAll()
                // Bisect the concurrency between the last level that held and the first that did not.
                guard let lo = lastPass?.concurrency, let hi = cell.concurrency else { continue }
                var l = lo, h = hi
                while h - l > 1 && !interrupted {
                    let mid = (l + h) / 2
                    let c = SweepPlan.Cell(adapters: a, concurrency: mid, rate: nil)
                    guard let s2 = try? check.cell(c, of: plan, document: document), let row2 = await step(c, s2) else { break }
                    rows.append(row2)
                    if meets(row2) { l = mid; lastPass = c } else { h = mid }
                }
            }
            if plan.untilSLO { capacity[String(a)] = lastPass.map { $0.concurrency.map(Double.init) ?? $0.rate ?? 0 } ?? 0 }
        }
        let final = report(rows, capacity, complete: !interrupted)
        try final.write(to: directory)
        return final
    }

    private func report(_ rows: [SweepRow], _ capacity: [String: Double], complete: Bool) -> SweepReport {
        SweepReport(scenarioName: name, loadAxis: sweep.plan.loadAxis, rows: rows, capacity: capacity, complete: complete)
    }

    /// The summary of a cell that finished in an earlier, interrupted sweep (nil if absent, unreadable or interrupted).
    static func finished(_ cellDir: String) -> RunSummary? {
        guard let data = FileManager.default.contents(atPath: cellDir + "/summary.json"),
              let summary = try? RunSummary.read(data, source: cellDir), !summary.run.interrupted else { return nil }
        return summary
    }
}
