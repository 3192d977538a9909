import ArgumentParser
import Foundation
@testable import LorabenchCLI
import LoadGen
import LoraxSim
import Stats
import XCTest

/// `run --segment i/n`, `--start-at`, `--run-id` and `merge DIR… --out DIR`: segments of one run written in this
/// process one after another against one simulator, merged, read back, and every refusal with its sentence.
final class SegmentTests: XCTestCase {
    /// A scenario file aimed at `url`: 20 arrivals a second for 1.5 s over four adapters.
    func scenarioFile(_ url: String, name: String = "seg", rate: Int = 20, extra: String = "") throws -> String {
        try writeTempScenario("""
        {"name":"\(name)","target":{"url":"\(url)"},"rate":\(rate),"duration":"1500ms","max_vus":12,
         "input_words":{"min":5,"max":9},"max_new_tokens":{"min":6,"max":12},
         "adapters":{"count":4,"template":"ad-{i}"},"health":{"interval":"50ms","timeout":"5s"},"seed":9,
         "thresholds":{"ttft.p95":"< 5000"}\(extra)}
        """)
    }

    /// Runs segments `indexes` of 3 with run id `runId`, one after another; their folders.
    func segments(_ h: SimHarness, _ path: String, runId: String = "t-run", indexes: [Int] = [0, 1, 2]) async -> [String] {
        var dirs: [String] = []
        for i in indexes {
            let out = SimHarness.tempDir()
            let r = await lorabench(["run", path, "--segment", "\(i)/3", "--run-id", runId, "--out", out, "--quiet"])
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            dirs.append(out)
        }
        return dirs
    }

    func testSegmentsMergeIntoOneFolderThatEveryCommandReads() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":3}"#)
        defer { Task { await h.stop() } }
        let path = try scenarioFile(h.sim.baseURL)
        let dirs = await segments(h, path)
        let parts = try dirs.map { try ResultFiles.summary(at: $0) }
        XCTAssertEqual(parts.map(\.run.segment), ["0/3", "1/3", "2/3"])
        XCTAssertEqual(parts.map(\.run.runId), ["t-run", "t-run", "t-run"])
        XCTAssertEqual(parts.map(\.requests.succeeded), [10, 10, 10], "30 arrivals over 3 segments")
        XCTAssertEqual(parts[0].run.requestedRate!, 20.0 / 3, accuracy: 1e-9, "a segment is asked for its share")
        for (i, d) in dirs.enumerated() {
            let rows = try readRequestsCSV(d)
            XCTAssertTrue(rows.allSatisfy { Int($0["sequence"]!)! % 3 == i }, "segment \(i) numbers its requests i, i+3, …")
            XCTAssertTrue(rows.allSatisfy { $0["client_request_id"] == "t-run-" + $0["sequence"]! })
        }

        let out = SimHarness.tempDir()
        let m = await lorabench(["merge"] + dirs + ["--out", out])
        XCTAssertEqual(m.code, LorabenchExit.ok, m.err)
        XCTAssertTrue(m.out.contains("✓ ttft.p95 < 5000"), m.out)
        let merged = try ResultFiles.summary(at: out)
        XCTAssertEqual(merged.requests.succeeded, 30)
        XCTAssertEqual(merged.outputTokens, parts.map(\.outputTokens).reduce(0, +))
        XCTAssertEqual(merged.metrics["ttft"]!.count, 30)
        XCTAssertEqual(merged.run.segments, ["0/3", "1/3", "2/3"])
        XCTAssertNil(merged.run.segment)
        XCTAssertEqual(merged.run.runId, "t-run")
        XCTAssertEqual(merged.run.requestedRate, 20)
        XCTAssertEqual(merged.scenario, parts[0].scenario, "one scenario document, as a single run writes")
        XCTAssertEqual(merged.thresholds.map(\.passed), [true])
        XCTAssertEqual(merged.thresholds.map(\.actual), [merged.metrics["ttft"]!.p95])
        // The HDR histograms are the segments' added exactly.
        var sum = Aggregate()
        for p in parts { sum.merge(p.aggregate) }
        XCTAssertEqual(merged.aggregate.metrics, sum.metrics)
        XCTAssertEqual(merged.aggregate.adapters.mapValues(\.ttft), sum.adapters.mapValues(\.ttft))

        // requests.csv: every row once, a segment column, one first touch per adapter across segments.
        let rows = try readRequestsCSV(out)
        XCTAssertEqual(rows.count, 30)
        XCTAssertEqual(Set(rows.map { Int($0["sequence"]!)! }), Set(0..<30))
        XCTAssertEqual(rows.map { $0["segment"]! }, Array(repeating: "0", count: 10) + Array(repeating: "1", count: 10) + Array(repeating: "2", count: 10))
        let touched = Set(rows.map { $0["adapter"]! })
        XCTAssertEqual(rows.filter { $0["cold"] == "1" }.count, touched.count, "one first touch per adapter in the whole run")
        let segmentColds = try dirs.flatMap { try readRequestsCSV($0) }.filter { $0["cold"] == "1" }.count
        XCTAssertGreaterThan(segmentColds, touched.count, "each segment saw its own first touches")
        XCTAssertEqual(Int(merged.coldTTFT.count), touched.count)
        XCTAssertEqual(Int(merged.coldTTFT.count + merged.warmTTFT.count), 30)
        for a in merged.adapters { XCTAssertEqual(Int(a.coldTTFT.count), 1, a.adapter) }
        // The earliest sent of the adapter's rows is its first touch (offsets are on the merged window).
        for a in touched {
            let mine = rows.filter { $0["adapter"] == a }
            let first = mine.min { CSVRecords.micros($0["sent_ms"]!)! < CSVRecords.micros($1["sent_ms"]!)! }!
            XCTAssertEqual(first["cold"], "1", a)
        }
        // timeseries.csv on the merged window's seconds adds up to the run.
        let series = ResultFiles.timeseries(besides: out)
        XCTAssertEqual(series.map { Int($0["requests"]!)! }.reduce(0, +), 30)
        XCTAssertEqual(series.map { Int($0["output_tokens"]!)! }.reduce(0, +), merged.outputTokens)
        XCTAssertEqual(series.map { Int($0["second"]!)! }, Array(1...series.count))
        // streaming.csv: the segments' token arrivals on the merged window's seconds, nothing lost or added.
        let streamed = ResultFiles.streaming(besides: out), segmentStreams = dirs.flatMap { ResultFiles.streaming(besides: $0) }
        XCTAssertFalse(streamed.isEmpty, "the merged folder has a streaming.csv")
        XCTAssertEqual(streamed.map { Int($0["second"]!)! }, Array(1...streamed.count))
        XCTAssertEqual(streamed.map { Int($0["token_events"]!)! }.reduce(0, +), segmentStreams.map { Int($0["token_events"]!)! }.reduce(0, +))
        XCTAssertEqual(streamed.map { Double($0["output_tokens"]!)! }.reduce(0, +), segmentStreams.map { Double($0["output_tokens"]!)! }.reduce(0, +), accuracy: 0.01)
        XCTAssertEqual(segmentStreams.map { Int($0["token_events"]!)! }.reduce(0, +), merged.aggregate.tokenEvents)

        // report (text, json, html), compare against a segment-free run, and merging the merged folder again is refused.
        let text = await lorabench(["report", out])
        XCTAssertEqual(text.code, LorabenchExit.ok)
        XCTAssertTrue(text.out.contains("30 ok, 0 failed"), text.out)
        let html = await lorabench(["report", out, "--format", "html"])
        XCTAssertEqual(html.code, LorabenchExit.ok)
        XCTAssertTrue(html.out.contains("<svg"), "the dashboard draws the merged timeseries")
        let whole = SimHarness.tempDir()
        let w = await lorabench(["run", path, "--out", whole, "--quiet"])
        XCTAssertEqual(w.code, LorabenchExit.ok, w.err)
        let c = await lorabench(["compare", whole, out, "--tolerance", "1000"])
        XCTAssertEqual(c.code, LorabenchExit.ok, c.err)
        XCTAssertTrue(c.out.contains("ttft"), c.out)
        let again = await lorabench(["merge", out, dirs[0], "--out", SimHarness.tempDir()])
        XCTAssertEqual(again.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(again.err, "lorabench: merge: \(dirs[0]) is a segment of a run and \(out) is not; merge a run's segments on their own\n")

        // A segment's streaming.csv that is not numbers is named, and the merge leaves no result files behind.
        try "second,token_events,output_tokens\n1,x,3\n".write(toFile: dirs[1] + "/streaming.csv", atomically: true, encoding: .utf8)
        let bad = SimHarness.tempDir()
        let b = await lorabench(["merge"] + dirs + ["--out", bad])
        XCTAssertEqual(b.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(b.err, "lorabench: merge: \(dirs[1])/streaming.csv: a row is not a second, token events and tokens\n")
        for f in ["summary.json", "requests.csv", "timeseries.csv", "streaming.csv"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: bad + "/" + f), "\(f) left behind")
        }
    }

    func testMergeRefusesWhatIsNotOneRunsSegmentsEachOnce() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":3}"#)
        defer { Task { await h.stop() } }
        let path = try scenarioFile(h.sim.baseURL, rate: 8)
        let dirs = await segments(h, path)
        func merge(_ inputs: [String]) async -> CLIResult {
            await lorabench(["merge"] + inputs + ["--out", SimHarness.tempDir()])
        }
        var r = await merge([dirs[0], dirs[2]])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(r.err, "lorabench: merge: run t-run is missing segment 1/3 (have 0/3, 2/3)\n")
        r = await merge([dirs[0], dirs[1], dirs[1], dirs[2]])
        XCTAssertEqual(r.err, "lorabench: merge: segment 1/3 appears twice: \(dirs[1]) and \(dirs[1])\n")

        let other = await segments(h, path, runId: "t-other", indexes: [2])
        r = await merge([dirs[0], dirs[1], other[0]])
        XCTAssertEqual(r.err, "lorabench: merge: \(other[0]): run id t-other differs from t-run in \(dirs[0]); these are segments of different runs\n")

        let changed = try scenarioFile(h.sim.baseURL, rate: 8, extra: #","max_queue":3"#)
        let odd = await segments(h, changed, indexes: [1])
        r = await merge([dirs[0], odd[0], dirs[2]])
        XCTAssertEqual(r.err, "lorabench: merge: \(odd[0]): scenario differs from \(dirs[0])'s (differs in max_queue); segments must run the same scenario\n")

        // A histogram of another layout (2 significant digits) cannot be added exactly.
        let layout = SimHarness.tempDir()
        try FileManager.default.copyItem(atPath: dirs[2], toPath: layout)
        let summaryPath = layout + "/summary.json"
        let text = try String(contentsOfFile: summaryPath, encoding: .utf8)
        XCTAssertTrue(text.contains("\"significant_digits\" : 3"))
        try text.replacingOccurrences(of: "\"significant_digits\" : 3", with: "\"significant_digits\" : 2")
            .write(toFile: summaryPath, atomically: true, encoding: .utf8)
        r = await merge([dirs[0], dirs[1], layout])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.hasPrefix("lorabench: \(summaryPath): not a lorabench summary"), r.err)
        XCTAssertTrue(r.err.contains("histogram layout differs (unit us, lowest 1, digits 2); cannot merge exactly"), r.err)

        // A requests.csv that lost rows does not belong to its summary; nothing is written to --out.
        let cut = SimHarness.tempDir()
        try FileManager.default.copyItem(atPath: dirs[1], toPath: cut)
        let csv = try String(contentsOfFile: cut + "/requests.csv", encoding: .utf8).split(separator: "\n")
        try (csv.dropLast().joined(separator: "\n") + "\n").write(toFile: cut + "/requests.csv", atomically: true, encoding: .utf8)
        let target = SimHarness.tempDir()
        r = await lorabench(["merge", dirs[0], cut, dirs[2], "--out", target])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        let parts = try [dirs[0], cut, dirs[2]].map { try ResultFiles.summary(at: $0) }
        XCTAssertEqual(r.err, "lorabench: merge: \(cut)/requests.csv has \(csv.count - 2) rows but its summary.json counts \(parts[1].aggregate.completed) "
                       + "completed requests; the folder is incomplete\n")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [], [], "no half-written result")

        // Hostile rows: a cell that is not milliseconds, a sequence number of another segment; each named by file:line.
        for (column, value, message) in [("sent_ms", "soon", "sent_ms \"soon\" is not milliseconds"),
                                          ("sequence", "5", "sequence 5 is not segment 1/3's (5 mod 3 = 2)")] {
            let bad = SimHarness.tempDir()
            try FileManager.default.copyItem(atPath: dirs[1], toPath: bad)
            var lines = try String(contentsOfFile: bad + "/requests.csv", encoding: .utf8).components(separatedBy: "\n")
            let header = lines[0].components(separatedBy: ",")
            var cells = lines[2].components(separatedBy: ",")
            cells[header.firstIndex(of: column)!] = value
            lines[2] = cells.joined(separator: ",")
            try lines.joined(separator: "\n").write(toFile: bad + "/requests.csv", atomically: true, encoding: .utf8)
            r = await merge([dirs[0], bad, dirs[2]])
            XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
            XCTAssertEqual(r.err, "lorabench: merge: \(bad)/requests.csv:3: \(message)\n")
        }

        // A segment from another time: its window two hours after the others'.
        let shifted = SimHarness.tempDir()
        try FileManager.default.copyItem(atPath: dirs[2], toPath: shifted)
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: shifted + "/summary.json"))) as! [String: Any]
        var run = doc["run"] as! [String: Any]
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for key in ["started_at", "ended_at"] { run[key] = iso.string(from: iso.date(from: run[key] as! String)!.addingTimeInterval(7200)) }
        doc["run"] = run
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: shifted + "/summary.json"))
        r = await merge([dirs[0], dirs[1], shifted])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.hasPrefix("lorabench: merge: \(shifted) ended "), r.err)
        XCTAssertTrue(r.err.hasSuffix(" s after \(dirs[0]) started, more than the longest window (1 s) and an hour: these segments did not run together\n"), r.err)

        // A summary.json file of a segment is not enough: its rows are needed.
        r = await merge([dirs[0] + "/summary.json", dirs[1], dirs[2]])
        XCTAssertEqual(r.err, "lorabench: merge: \(dirs[0])/summary.json: give the segment's folder (its requests.csv and timeseries.csv are merged too)\n")
        // A whole run among segments.
        let whole = SimHarness.tempDir()
        _ = await lorabench(["run", path, "--out", whole, "--quiet"])
        r = await merge([dirs[0], whole])
        XCTAssertEqual(r.err, "lorabench: merge: \(dirs[0]) is a segment of a run and \(whole) is not; merge a run's segments on their own\n")
        // --out holding a run already.
        r = await lorabench(["merge"] + dirs + ["--out", whole])
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertEqual(r.err, "lorabench: merge: \(whole) already holds a run (summary.json); choose another --out\n")
        // The summaries-only merge still works and writes a file.
        let file = NSTemporaryDirectory() + "merged-\(UUID().uuidString).json"
        r = await lorabench(["merge", whole, whole, "--out", file])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertEqual(try ResultFiles.summary(at: file).requests.succeeded, 2 * (try ResultFiles.summary(at: whole).requests.succeeded))
    }

    func testThresholdsAreEvaluatedOnTheMergedResult() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":3}"#)
        defer { Task { await h.stop() } }
        // Each segment succeeds 4 of 12 requests: "succeeded > 10" fails in every segment and passes on the whole.
        let path = try writeTempScenario("""
        {"name":"thr","target":{"url":"\(h.sim.baseURL)"},"rate":8,"duration":"1500ms","max_vus":6,
         "input_words":{"min":5,"max":9},"max_new_tokens":{"min":6,"max":12},"health":{"interval":"50ms","timeout":"5s"},
         "thresholds":{"succeeded":"> 10"}}
        """)
        var dirs: [String] = []
        for i in 0..<3 {
            let out = SimHarness.tempDir()
            let r = await lorabench(["run", path, "--segment", "\(i)/3", "--run-id", "thr", "--out", out, "--quiet"])
            XCTAssertEqual(r.code, LorabenchExit.thresholdsFailed, "segment \(i) alone has 4 requests")
            dirs.append(out)
        }
        let out = SimHarness.tempDir()
        let ok = await lorabench(["merge"] + dirs + ["--out", out])
        XCTAssertEqual(ok.code, LorabenchExit.ok, ok.err)
        let t = try ResultFiles.summary(at: out).thresholds
        XCTAssertEqual(t.map(\.metric), ["succeeded"])
        XCTAssertEqual(t.map(\.actual), [12])
        XCTAssertEqual(t.map(\.passed), [true])
    }

    func testSegmentOptionsAreCheckedWithClearErrors() async throws {
        let path = try scenarioFile("http://127.0.0.1:9")
        func err(_ args: [String]) async -> String {
            let r = await lorabench(["run", path] + args + ["--out", SimHarness.tempDir()])
            XCTAssertEqual(r.code, LorabenchExit.invalidConfig, args.joined(separator: " "))
            return r.err
        }
        var e = await err(["--segment", "3/3", "--run-id", "x"])
        XCTAssertEqual(e, "lorabench: --segment: segment index 3 is out of range for 3 segments (0 to 2; indexes start at 0, as JOB_COMPLETION_INDEX does)\n")
        e = await err(["--segment", "1/3"])
        XCTAssertEqual(e, "lorabench: --segment 1/3 needs --start-at or --run-id, so every segment writes the same run id and merge can check they belong together\n")
        e = await err(["--start-at", "tomorrow"])
        XCTAssertEqual(e, "lorabench: --start-at: \"tomorrow\" is not an RFC 3339 instant (e.g. 2026-12-01T02:00:00Z or 2026-12-01T03:00:00.5+01:00)\n")
        e = await err(["--start-at", "2999-01-01T00:00:00Z"])
        XCTAssertEqual(e, "lorabench: --start-at: 2999-01-01T00:00:00Z is more than 24 h from now; the window would not open today\n")
        e = await err(["--run-id", "a b"])
        XCTAssertEqual(e, "lorabench: --run-id: \"a b\" must be 1 to 64 characters of A-Z a-z 0-9 . _ - (it prefixes every x-request-id)\n")
        e = await err(["--segment", "12/13", "--run-id", "x"])
        XCTAssertEqual(e, "lorabench: --segment 12/13: max_vus 12 leaves segment 12 of 13 no slot to send from; raise max_vus to at least 13\n")
        let closed = try writeTempScenario(#"{"name":"c","target":{"url":"http://127.0.0.1:9"},"concurrency":2,"duration":"1s"}"#)
        let r = await lorabench(["run", closed, "--segment", "2/3", "--run-id", "x", "--out", SimHarness.tempDir()])
        XCTAssertEqual(r.err, "lorabench: --segment 2/3: the load has at most 2 VUs, so segment 2 of 3 would never have one; use at most 2 segments\n")
    }

    /// Closed VUs split two ways: 5 VUs are 3+2, with the whole run's VU numbers, and merge back to 5.
    func testClosedVUsSplitIntoTheWholeRunsVUNumbers() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":3}"#)
        defer { Task { await h.stop() } }
        let path = try writeTempScenario("""
        {"name":"vus","target":{"url":"\(h.sim.baseURL)"},"concurrency":5,"duration":"1s","think_time":"100ms",
         "input_words":{"min":5,"max":8},"max_new_tokens":{"min":4,"max":8},"health":{"interval":"50ms","timeout":"5s"}}
        """)
        var dirs: [String] = []
        for i in 0..<2 {
            let out = SimHarness.tempDir()
            let r = await lorabench(["run", path, "--segment", "\(i)/2", "--run-id", "vus", "--out", out, "--quiet"])
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            dirs.append(out)
        }
        XCTAssertEqual(Set(try readRequestsCSV(dirs[0]).map { $0["vu"]! }), ["0", "2", "4"])
        XCTAssertEqual(Set(try readRequestsCSV(dirs[1]).map { $0["vu"]! }), ["1", "3"])
        let out = SimHarness.tempDir()
        let m = await lorabench(["merge"] + dirs + ["--out", out])
        XCTAssertEqual(m.code, LorabenchExit.ok, m.err)
        let rows = try readRequestsCSV(out)
        XCTAssertEqual(Set(rows.map { $0["vu"]! }), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(Set(rows.map { Int($0["sequence"]!)! }).count, rows.count, "sequence numbers disjoint across segments")
        XCTAssertEqual(try ResultFiles.summary(at: out).run.executor, "constant-vus")
    }

    /// --start-at in the past: the window opens at once and summary.json says how late; a stop while waiting for a
    /// future --start-at ends the run before its window, writing nothing.
    func testLateStartIsRecordedAndAStopWhileWaitingWritesNothing() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        defer { Task { await h.stop() } }
        let path = try scenarioFile(h.sim.baseURL, rate: 4)
        let f = ISO8601DateFormatter()
        let past = f.string(from: Date().addingTimeInterval(-30))
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--segment", "0/2", "--start-at", past, "--out", out])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let s = try ResultFiles.summary(at: out)
        XCTAssertEqual(s.run.startLateSeconds!, 30, accuracy: 5, "opened about 30 s after --start-at")
        XCTAssertEqual(s.run.startAt, f.string(from: f.date(from: past)!).replacingOccurrences(of: "Z", with: ".000Z"))
        XCTAssertEqual(s.run.runId, SegmentOptions.derivedRunId(scenarioName: "seg", startAt: f.date(from: past)!))
        XCTAssertTrue(r.err.contains("after --start-at (health wait and warm-up took longer); summary.json run.start_late_seconds says so"), r.err)

        let signals = ManualSignals()
        let waiting = SimHarness.tempDir()
        let future = f.string(from: Date().addingTimeInterval(600))
        async let stopped = lorabench(["run", path, "--start-at", future, "--out", waiting], signals: signals)
        // Health and warm-up against the fast simulator take well under a second: the run is then in its wait.
        try await Task.sleep(nanoseconds: 1_000_000_000)
        var sent = false
        for _ in 0..<200 where !sent {
            try await Task.sleep(nanoseconds: 50_000_000)
            sent = signals.interrupt()
        }
        XCTAssertTrue(sent, "the run armed its trap")
        let w = await stopped
        XCTAssertEqual(w.code, LorabenchExit.aborted, w.err)
        XCTAssertTrue(w.err.contains("(--start-at) to open the window\n"), w.err)
        XCTAssertTrue(w.err.contains("interrupted before the measured window started; no results written"), w.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: waiting + "/summary.json"))
    }

    func testDerivedRunIdIsTheSameForEveryTimeZoneSpelling() throws {
        let a = SegmentOptions.parseInstant("2026-12-01T02:00:00Z")!, b = SegmentOptions.parseInstant("2026-12-01T03:00:00.000+01:00")!
        XCTAssertEqual(SegmentOptions.derivedRunId(scenarioName: "n", startAt: a), SegmentOptions.derivedRunId(scenarioName: "n", startAt: b))
        XCTAssertNotEqual(SegmentOptions.derivedRunId(scenarioName: "n", startAt: a), SegmentOptions.derivedRunId(scenarioName: "m", startAt: a))
        XCTAssertEqual(SegmentOptions.derivedRunId(scenarioName: "n", startAt: a).count, 15)
        XCTAssertTrue(SegmentOptions.derivedRunId(scenarioName: "n", startAt: a).hasPrefix("lb-"))
    }
}
