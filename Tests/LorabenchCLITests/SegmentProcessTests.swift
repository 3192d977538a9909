import ArgumentParser
import Foundation
@testable import LorabenchCLI
import LoraxSim
import Stats
import XCTest

/// Issue 15's acceptance: one scenario as 1 process and as 3 segment processes with a shared `--start-at`, each
/// against a fresh simulator with the same seed. Counts and tokens equal, every arrival sent exactly once at the
/// single run's schedule time with the single run's request, merged percentiles close to the single run's, and
/// the merged folder read by report, compare and the dashboard.
final class SegmentProcessTests: XCTestCase {
    var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lorabench").path
    }

    /// Starts `lorabench ARGS` with output to files; wait with `finish`.
    func start(_ args: [String]) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let log = NSTemporaryDirectory() + "lorabench-proc-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let h = FileHandle(forWritingAtPath: log)!
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, log)
    }

    /// Waits up to `timeout` s; the exit status and what the process printed.
    func finish(_ p: (Process, String), timeout: TimeInterval = 60) -> (Int32, String) {
        let deadline = Date().addingTimeInterval(timeout)
        while p.0.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.0.isRunning { p.0.terminate(); p.0.waitUntilExit() }
        return (p.0.terminationStatus, (try? String(contentsOfFile: p.1, encoding: .utf8)) ?? "")
    }

    func testThreeSegmentProcessesAddUpToTheSingleRun() async throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("no lorabench binary beside the tests at \(binary)") }
        let settings = #"{"profile":"fast","seed":5}"#
        let single = try await SimHarness.start(settings), split = try await SimHarness.start(settings)
        defer { Task { await single.stop(); await split.stop() } }
        let path = try writeTempScenario("""
        {"name":"e2e-seg","target":{"url":"http://127.0.0.1:9"},"rate":40,"duration":"3s","max_vus":40,"arrival":"poisson",
         "input_words":{"min":10,"max":30},"max_new_tokens":{"min":16,"max":32},
         "adapters":{"count":5,"template":"seg-{i}","distribution":"zipf"},"health":{"interval":"50ms","timeout":"10s"},"seed":11,
         "thresholds":{"e2e.p99":"< 10000"}}
        """)

        let wholeDir = SimHarness.tempDir()
        let w = finish(try start(["run", path, "--set", "target.url=\(single.sim.baseURL)", "--out", wholeDir, "--quiet"]))
        XCTAssertEqual(w.0, 0, w.1)

        // Every segment opens its window at the same instant, a few seconds out (process start, health, warm-up).
        let f = ISO8601DateFormatter()
        let startAt = f.string(from: Date().addingTimeInterval(5).rounded())
        var procs: [(Process, String)] = []
        var dirs: [String] = []
        for i in 0..<3 {
            let d = SimHarness.tempDir()
            dirs.append(d)
            procs.append(try start(["run", path, "--set", "target.url=\(split.sim.baseURL)", "--segment", "\(i)/3", "--start-at", startAt,
                                    "--out", d, "--quiet"]))
        }
        for p in procs { let r = finish(p); XCTAssertEqual(r.0, 0, r.1) }
        let mergedDir = SimHarness.tempDir()
        let m = await lorabench(["merge"] + dirs + ["--out", mergedDir])
        XCTAssertEqual(m.code, LorabenchExit.ok, m.err)

        let whole = try ResultFiles.summary(at: wholeDir), merged = try ResultFiles.summary(at: mergedDir)
        let parts = try dirs.map { try ResultFiles.summary(at: $0) }
        XCTAssertEqual(Set(parts.map(\.run.startAt)), [startAt.replacingOccurrences(of: "Z", with: ".000Z")])
        XCTAssertEqual(Set(parts.map(\.run.runId)).count, 1, "the run id is derived from the scenario and --start-at alike")
        for p in parts { XCTAssertLessThan(p.run.startLateSeconds!, 1, "segment \(p.run.segment!) opened on time") }

        // Counts and tokens.
        print("segments e2e: \(whole.requests.succeeded) requests, \(whole.outputTokens) output tokens; segments late by \(parts.map { $0.run.startLateSeconds! }) s")
        XCTAssertGreaterThan(whole.requests.succeeded, 80)
        XCTAssertEqual(whole.requests.failed + whole.requests.dropped, 0)
        XCTAssertEqual(merged.requests.total, whole.requests.total)
        XCTAssertEqual(merged.requests.succeeded, whole.requests.succeeded)
        XCTAssertEqual(merged.requests.dropped, 0)
        XCTAssertEqual(merged.outputTokens, whole.outputTokens)
        XCTAssertEqual(merged.aggregate.inputTokens, whole.aggregate.inputTokens)
        XCTAssertEqual(merged.adapters.map(\.adapter), whole.adapters.map(\.adapter))
        XCTAssertEqual(merged.adapters.map(\.requests), whole.adapters.map(\.requests))
        XCTAssertEqual(merged.coldTTFT.count, whole.coldTTFT.count, "one first touch per adapter, as in one process")

        // Every arrival exactly once: the single run's sequence numbers, requests and schedule times, and the
        // simulator saw each request id once.
        let wholeRows = Dictionary(uniqueKeysWithValues: try readRequestsCSV(wholeDir).map { ($0["sequence"]!, $0) })
        var segmentRows: [String: [String: String]] = [:]
        for d in dirs { for r in try readRequestsCSV(d) { XCTAssertNil(segmentRows.updateValue(r, forKey: r["sequence"]!), "sequence \(r["sequence"]!) twice") } }
        XCTAssertEqual(Set(segmentRows.keys), Set(wholeRows.keys))
        for (seq, r) in segmentRows {
            let o = wholeRows[seq]!
            for c in ["intended_ms", "adapter", "input_words", "max_new_tokens", "output_tokens", "input_tokens"] {
                XCTAssertEqual(r[c], o[c], "sequence \(seq) \(c)")
            }
        }
        let seen = split.sim.requests().map(\.id).filter { !$0.hasSuffix("-warmup") }
        XCTAssertEqual(seen.count, wholeRows.count)
        XCTAssertEqual(Set(seen).count, seen.count)
        XCTAssertEqual(Set(seen), Set(wholeRows.keys.map { "\(merged.run.runId!)-\($0)" }))
        XCTAssertEqual(try readRequestsCSV(mergedDir).count, wholeRows.count)

        // Percentiles: HDR's 0.1% plus the simulator's own noise between two runs on a shared machine
        // (the fast profile's decode steps are 2 ms; 35% + 3 ms bounds what two single runs differ by here).
        for name in ["ttft", "tpot", "e2e"] {
            print("segments e2e: \(name) p50 single \(whole.metrics[name]!.p50) merged \(merged.metrics[name]!.p50); p90 single \(whole.metrics[name]!.p90) merged \(merged.metrics[name]!.p90) (ms)")
            for (label, a, b) in [("p50", whole.metrics[name]!.p50, merged.metrics[name]!.p50), ("p90", whole.metrics[name]!.p90, merged.metrics[name]!.p90)] {
                XCTAssertEqual(b, a, accuracy: 0.35 * max(a, b) + 3, "\(name) \(label): single \(a) ms, merged \(b) ms")
            }
        }
        XCTAssertEqual(merged.metrics["itl"]!.count, whole.metrics["itl"]!.count, "one inter-token gap per token after the first")

        // The server was scraped by every segment; its view is kept once and checked against the whole load.
        for p in parts {
            XCTAssertNil(p.server!.agreement, "a segment's share is not held against the whole server")
            XCTAssertTrue(p.server!.warnings.contains { $0.hasPrefix("agreement not checked: this process sent segment \(p.run.segment!)") })
        }
        let agreement = try XCTUnwrap(merged.server?.agreement)
        XCTAssertTrue(agreement.comparable)
        for name in ["requests", "output_tokens", "input_tokens"] {
            let c = agreement.checks.first { $0.name == name }
            XCTAssertEqual(c?.agrees, true, "\(name): client \(c?.client ?? -1) server \(c?.server ?? -1)")
        }
        XCTAssertEqual(agreement.checks.first { $0.name == "requests" }?.server, Double(whole.requests.succeeded))
        // Kept from the segment that ended last (its end scrape followed every segment's last request).
        let lastEnded = parts.indices.max { parts[$0].run.endedAt < parts[$1].run.endedAt }!
        XCTAssertEqual(FileManager.default.contents(atPath: mergedDir + "/server_metrics.csv"),
                       FileManager.default.contents(atPath: dirs[lastEnded] + "/server_metrics.csv"), "server metrics kept once, from the segment that ended last")

        // The merged folder is a run to every other command.
        let report = await lorabench(["report", mergedDir])
        XCTAssertEqual(report.code, LorabenchExit.ok)
        XCTAssertTrue(report.out.contains("\(merged.requests.succeeded) ok, 0 failed"), report.out)
        let html = await lorabench(["report", mergedDir, "--format", "html", "--out", mergedDir + "/dashboard.html"])
        XCTAssertEqual(html.code, LorabenchExit.ok, html.err)
        let page = try String(contentsOfFile: mergedDir + "/dashboard.html", encoding: .utf8)
        XCTAssertTrue(page.contains("<svg"), "the dashboard draws the merged timeseries")
        let compare = await lorabench(["compare", wholeDir, mergedDir, "--tolerance", "60"])
        XCTAssertEqual(compare.code, LorabenchExit.ok, compare.out + compare.err)
        XCTAssertFalse(compare.err.contains("not comparable"), compare.err)
        let series = ResultFiles.timeseries(besides: mergedDir)
        XCTAssertEqual(series.map { Int($0["requests"]!)! }.reduce(0, +), whole.requests.succeeded)
    }
}

private extension Date {
    /// Whole seconds, so the RFC 3339 text round-trips exactly.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.up)) }
}
