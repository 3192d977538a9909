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

    func scenarioFile(_ url: String, _ extra: String = "") throws -> String {
        try writeTempScenario("""
        {"name":"hostile","target":{"url":"\(url)"},"concurrency":2,"duration":"600ms","health":false,
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
}
