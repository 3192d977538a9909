import ArgumentParser
import Foundation
import LorabenchCLI
import Stats
import XCTest

/// What each command prints, run in-process exactly as `main` runs it (argv in, text and exit code out).
final class CommandOutputTests: XCTestCase {
    static let small = """
    {"name":"out","target":{"simulator":{"profile":"fast"}},"concurrency":2,"duration":"1s",
     "input_words":{"min":5,"max":8},"max_new_tokens":{"min":5,"max":8},"health":{"interval":"50ms","timeout":"5s"}}
    """

    func testRunPrintsItsStartLineTheReportAndTheProgressLineOnATerminal() async throws {
        let path = try writeTempScenario(Self.small)
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--out", out], terminal: true)
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let summary = try ResultFiles.summary(at: out)
        XCTAssertEqual(r.out, TerminalReport.render(summary, resultsDir: out) + "\n", "stdout is the report and nothing else")
        XCTAssertTrue(r.out.contains("  requests .......... \(summary.requests.succeeded) ok, 0 failed"), r.out)
        let lines = r.err.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("waiting for http://127.0.0.1:") && $0.hasSuffix("/health (up to 5s)") }, r.err)
        XCTAssertTrue(r.err.contains("lorabench 0.1.0: out, constant-vus for 1s against embedded simulator at http://127.0.0.1:"), r.err)
        XCTAssertTrue(r.err.contains("\r\u{1B}[K    1s/1s  VUs 2  req/s "), "the progress line is drawn on a terminal: \(r.err.debugDescription)")
        XCTAssertTrue(r.err.hasSuffix("\r\u{1B}[K"), "and cleared at the end")

        let plain = await lorabench(["run", path, "--out", SimHarness.tempDir()], terminal: false)
        XCTAssertFalse(plain.err.contains("\u{1B}["), "no ANSI codes when stderr is not a terminal")
        let noProgress = await lorabench(["run", path, "--out", SimHarness.tempDir(), "--no-progress"], terminal: true)
        XCTAssertFalse(noProgress.err.contains("\u{1B}["), "--no-progress")
    }

    func testFirstStopRequestIsGracefulAndSaysSo() async throws {
        let path = try writeTempScenario(Self.small)
        let signals = ManualSignals()
        let out = SimHarness.tempDir()
        let stopper = Task {
            try await Task.sleep(for: .milliseconds(600))
            signals.interrupt()
        }
        let r = await lorabench(["run", path, "--out", out, "--set", "duration=30s", "--set", "graceful_stop=2s"], signals: signals)
        _ = try? await stopper.value
        XCTAssertEqual(r.code, LorabenchExit.aborted)
        XCTAssertTrue(r.err.contains("\nstopping: in-flight requests get 2s to finish (interrupt again to stop at once)\n"), r.err)
        XCTAssertTrue(r.out.contains("INTERRUPTED"), r.out)
        XCTAssertTrue(try ResultFiles.summary(at: out).run.interrupted)
    }

    func testThresholdFailurePrintsWhatFailed() async throws {
        let path = try writeTempScenario(Self.small)
        let r = await lorabench(["run", path, "--out", SimHarness.tempDir(), "--set", #"thresholds={"ttft.p95":"< 0.001"}"#])
        XCTAssertEqual(r.code, LorabenchExit.thresholdsFailed)
        XCTAssertTrue(r.err.hasSuffix("lorabench: thresholds failed: ttft.p95 < 0.001\n"), r.err)
        XCTAssertTrue(r.out.contains("  ✗ ttft.p95 < 0.001   (actual "), r.out)
    }

    func testQuietStillPrintsEachCrossedThreshold() async throws {
        let path = try writeTempScenario(Self.small)
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--out", out, "--quiet", "--set",
                                 #"thresholds={"ttft.p95":"< 0.001","error_rate":"< 0.5","cold_ttft.p50":"< 1"}"#])
        XCTAssertEqual(r.code, LorabenchExit.thresholdsFailed)
        XCTAssertEqual(r.out, out + "\n", "stdout stays the results folder alone")
        let s = try ResultFiles.summary(at: out)
        let p95 = try XCTUnwrap(s.thresholds.first { $0.metric == "ttft.p95" }?.actual)
        let lines = r.err.split(separator: "\n").map(String.init).sorted()
        XCTAssertEqual(lines, ["lorabench: threshold crossed: cold_ttft.p50 < 1 (actual no data)",
                               "lorabench: threshold crossed: ttft.p95 < 0.001 (actual \(ReportText.number(p95)))"],
                       "one line per crossed threshold, none for the one that held")
    }

    func testSweepPrintsThePlanEachCellAndTheTable() async throws {
        let path = try writeTempScenario(Self.small)
        let dir = SimHarness.tempDir()
        let r = await lorabench(["sweep", path, "--adapters", "0,2", "--concurrency", "2", "--cell-duration", "500ms", "--out", dir,
                                 "--set", #"adapters=["org/a","org/b","org/c"]"#])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertTrue(r.err.hasPrefix("sweep out: 2 cells (adapters 0,2 × concurrency 2), 500ms each, into \(dir)\n"), r.err)
        XCTAssertTrue(r.err.contains("\n  a0-c2: ttft p50 ") && r.err.contains("\n  a2-c2: ttft p50 "), r.err)
        let report = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json")))
        let table = r.out.components(separatedBy: "\n")
        XCTAssertEqual(table[1], "  adapters concurrency  ttft p50  ttft p95  ttft p99 1st touch  tpot p50   e2e p95     tok/s     req/s   goodput    errors")
        XCTAssertTrue(table[2].hasPrefix("         0         2"), table[2])
        XCTAssertTrue(table[3].hasPrefix("         2         2"), table[3])
        XCTAssertTrue(table[3].hasSuffix(String(report.rows[1].errors).leftPadded(10)), table[3])
        XCTAssertTrue(r.out.hasSuffix("  sweep results ..... \(dir) (sweep.json, sweep.csv, ttft-vs-adapters.svg, throughput-vs-load.svg)\n"))
    }

    func testCellSetupRunsBeforeEachCellAndAFailingOneSkipsIt() async throws {
        let path = try writeTempScenario(Self.small)
        let log = SimHarness.tempDir() + ".log"
        let ok = await lorabench(["sweep", path, "--adapters", "0,1", "--concurrency", "1", "--cell-duration", "300ms", "--out", SimHarness.tempDir(),
                                  "--set", #"adapters=["org/a"]"#, "--cell-setup", "echo $LORABENCH_CELL >> \(log)"])
        XCTAssertEqual(ok.code, LorabenchExit.ok, ok.err)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), "a0-c1\na1-c1\n")
        let bad = await lorabench(["sweep", path, "--adapters", "0", "--concurrency", "1", "--cell-duration", "300ms", "--out", SimHarness.tempDir(),
                                   "--cell-setup", "exit 3"])
        XCTAssertEqual(bad.code, LorabenchExit.runError)
        XCTAssertTrue(bad.err.contains("lorabench: cell a0-c1: --cell-setup exited with status 3; cell skipped\n"), bad.err)
        XCTAssertTrue(bad.err.hasSuffix("lorabench: no cell of the sweep could be run\n"), bad.err)
    }

    func testACellSetupThatLeavesAServerRunningIsDoneWhenItsShellExits() async throws {
        // Found against vLLM: a setup that started a server in the background held lorabench's sockets and the
        // sweep never went on; a stop request during a setup did nothing.
        let path = try writeTempScenario(Self.small)
        let started = Date()
        let r = await lorabench(["sweep", path, "--adapters", "0", "--concurrency", "1", "--cell-duration", "300ms", "--out", SimHarness.tempDir(),
                                 "--cell-setup", "sleep 20 & true"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "not held until the background sleep ends")
        let signals = ManualSignals()
        let stopper = Task {
            try await Task.sleep(for: .milliseconds(500))
            signals.interrupt()
        }
        let stopStarted = Date()
        let s = await lorabench(["sweep", path, "--adapters", "0", "--concurrency", "1", "--cell-duration", "300ms", "--out", SimHarness.tempDir(),
                                 "--cell-setup", "sleep 30"], signals: signals)
        _ = try? await stopper.value
        XCTAssertEqual(s.code, LorabenchExit.aborted, s.err)
        XCTAssertLessThan(Date().timeIntervalSince(stopStarted), 5, "a stop request ends a setup still running")
        XCTAssertTrue(s.err.contains("--cell-setup was ended by signal 15 (stop requested)"), s.err)
    }

    func testSweepAgainstAServerItCannotRestartSaysSo() async throws {
        let path = try writeTempScenario(#"{"target":{"url":"http://127.0.0.1:9"},"concurrency":1,"duration":"1s","adapters":["a"],"health":{"interval":"50ms","timeout":"100ms"}}"#)
        let r = await lorabench(["sweep", path, "--adapters", "1", "--concurrency", "1", "--out", SimHarness.tempDir()])
        XCTAssertTrue(r.err.contains("note: the cells share one server that lorabench does not restart"), r.err)
    }

    func testOneStopRequestEndsTheSweepAfterTheCellInFlight() async throws {
        let path = try writeTempScenario(Self.small)
        let dir = SimHarness.tempDir()
        let signals = ManualSignals()
        let stopper = Task {
            try await Task.sleep(for: .milliseconds(700))
            signals.interrupt()
        }
        let r = await lorabench(["sweep", path, "--adapters", "0,1,2", "--concurrency", "2", "--cell-duration", "3s", "--out", dir,
                                 "--set", "graceful_stop=1s", "--set", #"adapters={"count":1,"template":"org/a-{i}"}"#], signals: signals)
        _ = try? await stopper.value
        XCTAssertEqual(r.code, LorabenchExit.aborted, r.err)
        XCTAssertTrue(r.err.contains("\nstopping: in-flight requests get 1s to finish"), r.err)
        XCTAssertTrue(r.err.hasSuffix("lorabench: sweep interrupted; continue with: lorabench sweep \(path) --resume --out \(dir) (same options)\n"), r.err)
        let report = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json")))
        XCTAssertFalse(report.complete)
        XCTAssertEqual(report.rows.map(\.cell), ["a0-c2"], "the interrupted cell is kept, no later cell starts")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/cells/a1-c2"))
    }

    func testSimServesUntilStoppedAndSaysWhere() async throws {
        let signals = ManualSignals()
        let stopper = Task {
            for _ in 0..<400 {
                try await Task.sleep(for: .milliseconds(10))
                if signals.interrupt() { return }
            }
        }
        let r = await lorabench(["sim", "--port", "0", "--profile", "fast"], signals: signals)
        _ = try? await stopper.value
        XCTAssertEqual(r.code, LorabenchExit.ok)
        XCTAssertTrue(r.out.hasPrefix("lorabench sim (fast) listening on http://127.0.0.1:"), r.out)
        XCTAssertEqual(r.err, "lorabench sim: stopped\n")
        let bad = await lorabench(["sim", "--profile", "h100"])
        XCTAssertEqual(bad.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(bad.err.hasPrefix("lorabench: invalid simulator settings:\n  - profile: unknown profile \"h100\""), bad.err)
    }

    func testArgumentErrorsHelpAndVersion() async throws {
        let unknown = await lorabench(["run", "x.json", "--bogus"])
        XCTAssertEqual(unknown.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(unknown.err.hasPrefix("lorabench: Error: Unknown option '--bogus'"), unknown.err)
        XCTAssertEqual(unknown.out, "")
        let missing = await lorabench(["run", "/nonexistent/scenario.json"])
        XCTAssertEqual(missing.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(missing.err, "lorabench: invalid scenario /nonexistent/scenario.json (1 problem):\n  - no such file\n")
        let version = await lorabench(["--version"])
        XCTAssertEqual(version.code, LorabenchExit.ok)
        XCTAssertEqual(version.out, "0.1.0\n")
        let help = await lorabench(["run", "--help"])
        XCTAssertEqual(help.code, LorabenchExit.ok)
        XCTAssertTrue(help.out.contains("USAGE: lorabench run ") && help.out.contains("<scenario>"), help.out)
        let helpRun = await lorabench(["help", "run"])
        XCTAssertEqual(helpRun.out, help.out)
        let bare = await lorabench([])
        XCTAssertTrue(bare.out.contains("SUBCOMMANDS:"), bare.out)
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
}

/// k6's threshold contract through the CLI: the scenario's k6 form, abortOnFail stopping the run early with exit 99.
final class K6ThresholdRunTests: XCTestCase {
    func testAbortOnFailStopsTheRunEarlyAndExits99() async throws {
        let path = try writeTempScenario(CommandOutputTests.small)
        let out = SimHarness.tempDir()
        let started = Date()
        let r = await lorabench(["run", path, "--out", out, "--set", "duration=30s", "--set", "graceful_stop=1s", "--set",
                                 #"thresholds={"ttft":[{"threshold":"p(95)<0.001","abortOnFail":true}],"error_rate":["rate<0.5"]}"#])
        XCTAssertEqual(r.code, LorabenchExit.thresholdsFailed, r.err)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "stopped long before the 30 s schedule")
        XCTAssertTrue(r.err.contains("lorabench: run aborted early: threshold ttft.p95 < 0.001 crossed during the window (abortOnFail)\n"), r.err)
        let s = try ResultFiles.summary(at: out)
        XCTAssertEqual(s.run.abortedByThreshold, "ttft.p95 < 0.001")
        XCTAssertFalse(s.run.interrupted, "an abort by threshold is not a signal")
        XCTAssertLessThan(s.run.windowSeconds, 10)
        XCTAssertEqual(s.thresholds.map(\.metric), ["error_rate", "ttft.p95"])
        XCTAssertEqual(s.thresholds.map(\.passed), [true, false])
    }

    func testValidateRejectsABadK6ThresholdWithItsPath() async throws {
        let path = try writeTempScenario(CommandOutputTests.small)
        let r = await lorabench(["validate", path, "--set", #"thresholds={"ttft":["p(95)<500",{"threshold":"p(97)<1","abortOnFail":"yes"}]}"#])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.contains("thresholds.ttft[1].abortOnFail"), r.err)
        XCTAssertTrue(r.err.contains("thresholds.ttft[1]: \"p(97)<1\": lorabench keeps p(50), p(90), p(95), p(99) and p(99.9), not p(97)"), r.err)
    }
}

/// `run --jsonl`: requests.jsonl holds the same requests as requests.csv, typed, one object per line.
final class JSONLinesOutputTests: XCTestCase {
    func testJSONLinesMatchTheCSVRowByRowWithTypesThatDoNotDependOnTheRun() async throws {
        let path = try writeTempScenario(CommandOutputTests.small.replacingOccurrences(of: #""profile":"fast""#,
                                                                                     with: #""profile":"fast","faults":{"http_error_every":4}"#))
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--out", out, "--quiet", "--jsonl"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let csv = try String(contentsOfFile: out + "/requests.csv", encoding: .utf8).split(separator: "\n")
        let lines = try String(contentsOfFile: out + "/requests.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, csv.count - 1, "one line per CSV row")
        XCTAssertGreaterThan(lines.count, 8)
        var sawError = false, sawOK = false
        for (i, line) in lines.enumerated() {
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            XCTAssertEqual(o.count, RequestsCSV.header.count)
            XCTAssertEqual((o["sequence"] as? NSNumber)?.intValue, Int(csv[i + 1].split(separator: ",")[0]))
            XCTAssertTrue(o["status"] is NSNumber && o["e2e_ms"] is NSNumber, String(line))
            if (o["status"] as? NSNumber)?.intValue == 503 {
                sawError = true
                XCTAssertEqual(o["error_class"] as? String, "http")
                XCTAssertTrue(o["ttft_ms"] is NSNull, "no TTFT is null, not 0 or \"\"")
            } else {
                sawOK = true
                XCTAssertTrue(o["error_class"] is NSNull)
                XCTAssertTrue(o["ttft_ms"] is NSNumber)
            }
        }
        XCTAssertTrue(sawError && sawOK)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/requests.jsonl.partial"))
        // streaming.csv: every output token of the run, counted in the second it arrived.
        let streamed = try String(contentsOfFile: out + "/streaming.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Double($0.split(separator: ",")[2])! }.reduce(0, +)
        XCTAssertEqual(streamed, Double(try ResultFiles.summary(at: out).outputTokens), accuracy: 0.01)
        let plain = SimHarness.tempDir()
        _ = await lorabench(["run", path, "--out", plain, "--quiet"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: plain + "/requests.jsonl"), "opt-in")
    }

    func testJSONStringsAreEscaped() {
        XCTAssertEqual(RequestsJSONL.line(header: ["sequence", "error_message", "ttft_ms"], row: ["3", "bad \"x\"\n\u{0}\\", ""]),
                       #"{"sequence":3,"error_message":"bad \"x\"\n\u0000\\","ttft_ms":null}"#)
    }
}
