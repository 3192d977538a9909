import Foundation
import LoadGen
import Stats
import XCTest

/// Every request carries an id the server can log, and the warm-up is written down, so client and server agree.
final class RequestIdentityTests: XCTestCase {
    func testEachRequestSendsItsOwnRequestIdAndTheWarmUpIsRecorded() async throws {
        let final = #"data: {"token":{"id":2,"text":"</s>","special":true},"generated_text":"a","details":{"finish_reason":"eos_token","prompt_tokens":3,"generated_tokens":1}}"#
        let server = try CannedServer(response: CannedServer.sse(Array((final + "\n\n").utf8)))
        let doc: [String: JSONValue] = ["name": .string("ids"), "target": .object(["url": .string(server.baseURL)]),
                                        "concurrency": .int(1), "duration": .string("300ms"), "think_time": .string("100ms"),
                                        "health": .object(["interval": .string("50ms"), "timeout": .string("2s")])]
        let s = try ScenarioLoader.load(document: .object(doc), file: "ids.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        o.runId = "lb-test"
        let out = try await Runner(scenario: s, baseURL: server.baseURL, options: o).run()
        server.stop()
        let posts = server.requests.map { $0.lowercased() }.filter { $0.hasPrefix("post ") }
        let ids = posts.compactMap { $0.components(separatedBy: "\r\n").first { $0.hasPrefix("x-request-id: ") }?.dropFirst(14) }.map(String.init)
        XCTAssertEqual(ids.count, posts.count, "every POST carries an x-request-id")
        XCTAssertEqual(ids.first, "lb-test-warmup")
        XCTAssertEqual(Array(ids.dropFirst()), (0..<(posts.count - 1)).map { "lb-test-\($0)" })
        let rows = try readRequestsCSV(out.directory)
        XCTAssertEqual(rows.map { $0["client_request_id"] ?? "" }, (0..<rows.count).map { "lb-test-\($0)" })
        let summary = try ResultFiles.summary(at: out.directory)
        XCTAssertEqual(summary.run.runId, "lb-test")
        XCTAssertEqual(summary.run.warmup?.requestId, "lb-test-warmup")
        XCTAssertEqual(summary.run.warmup?.status, 200)
        XCTAssertEqual(summary.run.warmup?.outputTokens, 1)
        XCTAssertEqual(summary.requests.succeeded + 1, posts.count, "the server saw the measured requests plus the warm-up")
        // An EOS-only reply: a first token (the special EOS) but no visible text.
        XCTAssertEqual(summary.metrics["ttft"]?.count, UInt64(summary.requests.succeeded))
        XCTAssertEqual(summary.metrics["ttft_visible"]?.count, 0)
        XCTAssertEqual(summary.requests.succeededWithoutToken, 0)
    }

    func testARequestThatEndsWithoutATokenIsCountedNotHidden() async throws {
        let server = try CannedServer(response: CannedServer.sse(Array("data: [DONE]\n\n".utf8)))
        let doc: [String: JSONValue] = ["name": .string("empty"), "target": .object(["url": .string(server.baseURL), "api": .string("openai-completions")]),
                                        "concurrency": .int(1), "duration": .string("300ms"), "think_time": .string("100ms"), "health": .bool(false)]
        let s = try ScenarioLoader.load(document: .object(doc), file: "empty.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        let out = try await Runner(scenario: s, baseURL: server.baseURL, options: o).run()
        server.stop()
        let summary = try ResultFiles.summary(at: out.directory)
        XCTAssertGreaterThan(summary.requests.succeeded, 0)
        XCTAssertEqual(summary.requests.succeededWithoutToken, summary.requests.succeeded)
        XCTAssertEqual(summary.metrics["ttft"]?.count, 0)
        let json = try String(contentsOfFile: out.directory + "/summary.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"succeeded_without_token\" : \(summary.requests.succeeded)"), "in summary.json")
        XCTAssertTrue(TerminalReport.render(summary).contains("  no token .......... \(summary.requests.succeeded) succeeded requests produced no token (no TTFT)"))
        let ttft = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["metrics"] as? [String: Any])["ttft"] as? [String: Any]
        XCTAssertTrue(ttft?["p50"] is NSNull, "an empty distribution is null, not 0: \(String(describing: ttft))")
    }
}
