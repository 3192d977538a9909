import Foundation
import LoadGen
@testable import LorabenchCLI
import Stats
import XCTest

/// Issue 10: what a hostile server, file or command line does to lorabench, one test per numbered item.
final class HostileInputTests: XCTestCase {
    let token = Array(#"data: {"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":null,"details":null}"#.utf8) + [10, 10]

    func final(generated: String = "2", prompt: String = "3") -> [UInt8] {
        Array(#"data: {"token":{"id":2,"text":" b","logprob":0,"special":false},"generated_text":" a b","details":{"finish_reason":"length","prompt_tokens":\#(prompt),"generated_tokens":\#(generated)}}"#.utf8) + [10, 10]
    }

    func scenarioFile(_ url: String, _ extra: String = "", target: String = "") throws -> String {
        try writeTempScenario("""
        {"name":"hostile","target":{"url":"\(url)"\(target)},"concurrency":2,"duration":"600ms","health":false,
         "think_time":"50ms","graceful_stop":"2s","stream_idle_timeout":"2s"\(extra)}
        """)
    }

    // Item 7: a server claiming Int.max tokens must not crash the tester (it trapped after two requests).
    func testIntMaxTokenCountsFromTheServerDoNotCrashTheRun() async throws {
        let big = "9223372036854775807"
        let server = try CannedServer(response: CannedServer.sse(token + final(generated: big, prompt: big)))
        defer { server.stop() }
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", try scenarioFile(server.baseURL), "--out", out, "--quiet"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let summary = try ResultFiles.summary(at: out)
        XCTAssertGreaterThanOrEqual(summary.requests.succeeded, 3, "more than two requests were folded in")
        XCTAssertEqual(try readRequestsCSV(out).count, summary.requests.succeeded + summary.requests.failed)
    }

    // Item 8: a summary with counts near Int.max is refused (exit 104), not a trap in merge.
    func testMergeRefusesImplausibleCounts() async throws {
        let dir = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var a = Aggregate()
        a.succeeded = Int.max - 5
        let run = RunSummary.Run(scenarioName: "t", executor: "constant-vus", target: "http://x", api: "lorax", lorabenchVersion: "0",
                                 host: "h", startedAt: "", endedAt: "", windowSeconds: 1, interrupted: false, requestedRate: nil)
        try RunSummary(run: run, scenario: .null, slo: SLO(), aggregate: a).encoded().write(to: URL(fileURLWithPath: dir + "/a.json"))
        let r = await lorabench(["merge", dir + "/a.json", dir + "/a.json", "--out", dir + "/m.json"])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.contains("aggregate.succeeded is 9223372036854775802, not a plausible count"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m.json"))
    }

    // Item 8: thousands of very long stages are a validation error, not a trap converting to microseconds.
    func testHugeTotalStageDurationIsExit104() async throws {
        let stages = Array(repeating: #"{"duration":"999999999s","target":1}"#, count: 12_000).joined(separator: ",")
        let path = try writeTempScenario(#"{"name":"long","target":{"url":"http://127.0.0.1:9"},"stages":[\#(stages)]}"#)
        let r = await lorabench(["validate", path])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.contains("stages: total duration must be under 1e9 s"), r.err)
        XCTAssertEqual(Duration.seconds(Int64.max / 2).microseconds, .max, "held, not trapped")
    }

    // Item 9: malformed URLs are refused at validation; a URL curl rejects at once no longer recurses into a segfault.
    func testMalformedURLsAreRefusedAndImmediateFailuresDoNotRecurse() async throws {
        for url in ["http://127.0.0.1:99999", "http://[::1", "http://a b/", "http://:80", "http://h:x/"] {
            let r = await lorabench(["validate", try scenarioFile(url)])
            XCTAssertEqual(r.code, LorabenchExit.invalidConfig, url)
            XCTAssertTrue(r.err.contains("target.url: "), r.err)
        }
        // Straight to the runner, past validation: every request fails inside curl_multi_add_handle's first kick.
        let doc: JSONValue = .object(["name": .string("bad"), "target": .object(["url": .string("http://127.0.0.1:9")]),
                                      "concurrency": .int(4), "duration": .string("300ms"), "health": .bool(false),
                                      "think_time": .int(0)])
        let s = try ScenarioLoader.load(document: doc, file: "bad.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        let out = try await Runner(scenario: s, baseURL: "http://127.0.0.1:99999", options: o).run()
        XCTAssertEqual(out.summary.requests.succeeded, 0)
        XCTAssertGreaterThan(out.summary.requests.failed, 4, "the VUs kept sending; the run ended on schedule")
        XCTAssertEqual(out.summary.requests.errors["connect"], out.summary.requests.failed)
    }

    // Item 18: credentials in the URL never reach the terminal or a file; the query stays a query on every path.
    func testCredentialsInTheURLAreRedactedAndTheQueryStaysAfterThePath() async throws {
        let secret = "TOK\(UUID().uuidString.prefix(8))"
        let server = try CannedServer(response: CannedServer.sse(token + final()))
        defer { server.stop() }
        let url = "http://user:\(secret)@127.0.0.1:\(server.port)/?key=\(secret)&plain"
        let path = try writeTempScenario("""
        {"name":"secret","target":{"url":"\(url)","headers":{"X-Auth-Token":"\(secret)","My-Session-Id":"\(secret)",
         "Proxy-Authorization":"\(secret)","X-Trace":"visible"}},"concurrency":1,"duration":"300ms",
         "health":{"interval":"50ms","timeout":"3s"}}
        """)
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--out", out])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertFalse(r.out.contains(secret), r.out)
        XCTAssertFalse(r.err.contains(secret), r.err)
        XCTAssertTrue(r.err.contains("http://***@127.0.0.1:\(server.port)/health?key=***&***"), r.err)
        let lines = server.requests.map { $0.components(separatedBy: "\r\n")[0] }
        XCTAssertTrue(lines.contains("GET /health?key=\(secret)&plain HTTP/1.1"), "\(lines)")
        XCTAssertTrue(lines.contains("POST /generate_stream?key=\(secret)&plain HTTP/1.1"), "\(lines)")
        for f in try FileManager.default.contentsOfDirectory(atPath: out) {
            let text = try String(contentsOfFile: out + "/" + f, encoding: .utf8)
            XCTAssertFalse(text.contains(secret), "\(f) holds the secret")
            let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: out + "/" + f)[.posixPermissions] as? Int)
            XCTAssertEqual(mode, 0o640, f)
        }
        let summary = try ResultFiles.summary(at: out)
        XCTAssertEqual(summary.run.target, "http://***@127.0.0.1:\(server.port)?key=***&***")
        let headers = summary.scenario.objectValue?["target"]?.objectValue?["headers"]?.objectValue
        XCTAssertEqual(headers?["X-Trace"], .string("visible"))
        XCTAssertEqual(headers?["My-Session-Id"], .string("[redacted]"))
    }

    // Item 19: CR or LF in a header value (written or from ${VAR}) would inject headers; refused at validation.
    func testHeaderValuesWithLineBreaksAreRefused() async throws {
        let written = try scenarioFile("http://127.0.0.1:9", target: #","headers":{"X-A":"a\r\nX-Evil: 1"}"#)
        let r = await lorabench(["validate", written])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.contains("target.headers.X-A: the value (after ${…} expansion) holds a CR, LF"), r.err)
        let fromEnv = try scenarioFile("http://127.0.0.1:9", target: #","headers":{"X-B":"${LB_H}"}"#)
        let e = await lorabench(["validate", fromEnv], environment: ["LB_H": "ok\nX-Evil: 1"])
        XCTAssertEqual(e.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(e.err.contains("target.headers.X-B"), e.err)
        let badName = try scenarioFile("http://127.0.0.1:9", target: #","headers":{"X\u0000A":"v"}"#)
        let n = await lorabench(["validate", badName])
        XCTAssertEqual(n.code, LorabenchExit.invalidConfig)
    }

    // Item 1: libcurl re-sends a POST when a reused connection dies unanswered; every attempt the server saw is a
    // request in the results (the dead one as `incomplete`).
    func testHiddenCurlRetriesAreRequestsInTheResults() async throws {
        for reset in [false, true] {
            let server = try KeepAliveServer(response: KeepAliveServer.sse(token + final()), reset: reset)
            let out = SimHarness.tempDir()
            let path = try writeTempScenario("""
            {"name":"retry","target":{"url":"\(server.baseURL)"},"concurrency":1,"duration":"500ms","health":false,"think_time":"10ms",
             "server_metrics":false}
            """)
            let r = await lorabench(["run", path, "--out", out, "--quiet"])
            server.stop()
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            let s = try ResultFiles.summary(at: out)
            XCTAssertGreaterThan(s.requests.succeeded, 3)
            XCTAssertGreaterThan(s.requests.errors["incomplete"] ?? 0, 2, "reset \(reset): the dead attempts are failures")
            XCTAssertEqual(s.requests.succeeded + s.requests.failed + s.requests.interrupted, server.requestsSeen,
                           "reset \(reset): every POST the server read is a request in the results")
            let rows = try readRequestsCSV(out)
            XCTAssertEqual(Set(rows.map { $0["sequence"]! }).count, rows.count, "each attempt has a sequence number of its own")
        }
    }

    // Item 4: a final event followed by a body that never ends no longer holds the VU until request_timeout.
    func testABodyThatNeverEndsAfterTheFinalEventIsClosed() async throws {
        for (trickle, hold) in [(0.0, 30.0), (30.0, 0.0)] {  // silent, or keep-alive comments forever
            let server = try CannedServer(response: CannedServer.sse(token + final()), trickle: trickle, hold: hold)
            let out = SimHarness.tempDir()
            let path = try writeTempScenario("""
            {"name":"endless","target":{"url":"\(server.baseURL)"},"concurrency":1,"duration":"1s","health":false,
             "think_time":0,"request_timeout":"20s","stream_idle_timeout":"10s","graceful_stop":"5s"}
            """)
            let started = Date()
            let r = await lorabench(["run", path, "--out", out, "--quiet"])
            server.stop()
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "trickle \(trickle): no stream was held to the end")
            let s = try ResultFiles.summary(at: out)
            XCTAssertGreaterThanOrEqual(s.requests.succeeded, 4, "the VU was freed within a fraction of a second each time")
            XCTAssertEqual(s.requests.failed, 0)
            XCTAssertEqual(s.requests.interrupted, 0)
        }
    }

    // Item 11: a word_list under /proc claims size 0 and never ends; reading stops at the limit.
    func testAWordListUnderProcIsRefusedAtTheLimit() async throws {
        guard FileManager.default.isReadableFile(atPath: "/proc/self/pagemap") else { throw XCTSkip("no readable /proc/self/pagemap") }
        let started = Date()
        let r = await lorabench(["validate", try scenarioFile("http://127.0.0.1:9", #","word_list":"/proc/self/pagemap""#)])
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(r.err.contains("word_list: /proc/self/pagemap holds more than 4194304 bytes"), r.err)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let fifo = NSTemporaryDirectory() + "fifo-\(UUID().uuidString)"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let f = await lorabench(["validate", try scenarioFile("http://127.0.0.1:9", #","word_list":"\#(fifo)""#)])
        XCTAssertTrue(f.err.contains("is not a regular file"), f.err)
    }

    // Item 2 (fixed on main, the executor's own WakeQueue): the schedule's end plus graceful_stop cuts off streams
    // that are still open; the cut-off wake must not be dropped when the executor stops.
    func testStreamsOpenAtTheEndAreCutOffAfterGracefulStop() async throws {
        let server = try CannedServer(response: CannedServer.sse(token), trickle: 30)
        defer { server.stop() }
        let out = SimHarness.tempDir()
        let path = try writeTempScenario("""
        {"name":"cutoff","target":{"url":"\(server.baseURL)"},"concurrency":2,"duration":"2s","graceful_stop":"1s",
         "health":false,"request_timeout":"30s","stream_idle_timeout":"30s","server_metrics":false}
        """)
        let started = Date()
        let r = await lorabench(["run", path, "--out", out, "--quiet"])
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertGreaterThan(took, 2.9)
        XCTAssertLessThan(took, 5, "ended at 2 s + 1 s, not at request_timeout (30 s)")
        XCTAssertEqual(try ResultFiles.summary(at: out).requests.interrupted, 2)
    }
}
