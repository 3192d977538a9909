import Foundation
import LoadGen
import Stats
import XCTest

/// The sweep's cell loop, bisection and resume, driven in-process with cells that "run" instantly.
final class SweepRunnerTests: XCTestCase {
    func scenarioFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "sweep-unit-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A finished cell whose requests all met the SLO, or none did.
    static func summary(meetsSLO: Bool) -> RunSummary {
        var a = Aggregate()
        a.succeeded = 10
        a.metSLO = meetsSLO ? 10 : 0
        let run = RunSummary.Run(scenarioName: "u", executor: "constant-vus", target: "t", api: "lorax", lorabenchVersion: "t", host: "h",
                                 startedAt: "2026-12-01T00:00:00Z", endedAt: "2026-12-01T00:00:01Z", windowSeconds: 1, interrupted: false,
                                 requestedRate: nil, scheduledSeconds: 1)
        return RunSummary(run: run, scenario: .null, slo: SLO(ttftMs: 100, tpotMs: nil, e2eMs: nil), aggregate: a)
    }

    /// Runs a sweep whose cells hold up to `capacity` concurrency (per adapter count) and records the order cells ran in.
    func sweep(_ args: SweepRequest, capacity: [Int: Int], dir: String, resume: Bool = false,
               abortAt: String? = nil) async throws -> (SweepReport, [String]) {
        let path = try scenarioFile(#"{"name":"u","target":{"url":"http://127.0.0.1:9"},"concurrency":1,"duration":"1s","slo":{"ttft_ms":100},"adapters":{"count":1,"template":"t-{i}"}}"#)
        let check = ScenarioCheck(file: path, environment: [:])
        let checked = try check.check(sweep: .required(args))
        let ran = Ran()
        let runner = SweepRunner(name: "u", sweep: checked.sweep!, document: checked.document, check: check, directory: dir, resume: resume)
        let report = try await runner.run(cell: { cell, scenario, cellDir in
            ran.append(cell.id)
            XCTAssertEqual(scenario.load.maxInFlight, cell.concurrency, "the cell's scenario carries its load")
            XCTAssertEqual(scenario.adapters.ids.count, cell.adapters)
            let summary = Self.summary(meetsSLO: (cell.concurrency ?? 0) <= capacity[cell.adapters, default: 0])
            try? FileManager.default.createDirectory(atPath: cellDir, withIntermediateDirectories: true)
            try? summary.encoded().write(to: URL(fileURLWithPath: cellDir + "/summary.json"))
            return SweepRunner.CellResult(summary: summary, aborted: cell.id == abortAt)
        })
        return (report, ran.ids)
    }

    final class Ran: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func append(_ id: String) { lock.withLock { list.append(id) } }
        var ids: [String] { lock.withLock { list } }
    }

    func testUntilSLOBisectsToTheCapacityOfEachAdapterCount() async throws {
        let dir = NSTemporaryDirectory() + "sweep-unit-\(UUID().uuidString)"
        let (report, ran) = try await sweep(SweepRequest(adapters: [0, 4], concurrency: [1, 8, 16], untilSLO: true, sloFraction: 0.9),
                                            capacity: [0: 5, 4: 0], dir: dir)
        XCTAssertEqual(ran, ["a0-c1", "a0-c8", "a0-c4", "a0-c6", "a0-c5", "a4-c1"], "bisection 1..8 on capacity 5; 4 adapters fail at once")
        XCTAssertEqual(report.capacity, ["0": 5, "4": 0])
        XCTAssertTrue(report.complete)
        let written = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json")))
        XCTAssertEqual(written.rows.map(\.cell), ran)
        XCTAssertTrue(report.terminalTable().contains("  capacity at 4 adapters: 0 concurrency (no tested level met the SLOs)"))
    }

    func testAbortedCellEndsTheSweepAndResumeKeepsFinishedCells() async throws {
        let dir = NSTemporaryDirectory() + "sweep-unit-\(UUID().uuidString)"
        let args = SweepRequest(adapters: [0, 1], concurrency: [1, 2])
        let (first, ran1) = try await sweep(args, capacity: [:], dir: dir, abortAt: "a0-c2")
        XCTAssertEqual(ran1, ["a0-c1", "a0-c2"])
        XCTAssertFalse(first.complete)
        // a0-c2 was aborted but its summary says it was not interrupted, so resume keeps both finished cells.
        let (second, ran2) = try await sweep(args, capacity: [:], dir: dir, resume: true)
        XCTAssertEqual(ran2, ["a1-c1", "a1-c2"], "finished cells are not run again")
        XCTAssertEqual(second.rows.map(\.cell), ["a0-c1", "a0-c2", "a1-c1", "a1-c2"])
        XCTAssertTrue(second.complete)
    }
}
