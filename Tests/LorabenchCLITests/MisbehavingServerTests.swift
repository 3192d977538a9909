import Foundation
import LoadGen
import Stats
import XCTest

/// Faults no well-behaved server produces: each fails its request in the right class and the run goes on.
final class MisbehavingServerTests: XCTestCase {
    func runAgainst(_ server: CannedServer, _ extra: [String: JSONValue] = [:]) async throws -> RunSummary {
        var doc: [String: JSONValue] = ["name": .string("canned"), "target": .object(["url": .string(server.baseURL)]),
                                        "concurrency": .int(2), "duration": .string("600ms"), "health": .bool(false),
                                        "think_time": .string("100ms"), "graceful_stop": .string("2s"),
                                        "max_event_bytes": .int(4096), "stream_idle_timeout": .string("300ms")]
        doc.merge(extra) { $1 }
        let s = try ScenarioLoader.load(document: .object(doc), file: "canned.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        let out = try await Runner(scenario: s, baseURL: server.baseURL, options: o).run()
        server.stop()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.directory).sorted(), ["requests.csv", "streaming.csv", "summary.json", "timeseries.csv"])
        return out.summary
    }

    let token = Array(#"data: {"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":null,"details":null}"#.utf8) + [10, 10]

    func testOversizedEventIsAProtocolErrorWithBoundedMemory() async throws {
        let big = Array("data: {\"token\":{\"text\":\"".utf8) + [UInt8](repeating: 0x61, count: 3 << 20)
        let s = try await runAgainst(try CannedServer(response: CannedServer.sse(token + big)))
        XCTAssertGreaterThan(s.requests.errors["protocol"] ?? 0, 0)
        XCTAssertEqual(s.requests.failed, s.requests.errors["protocol"])
    }

    func testBinaryGarbageAndBrokenJSONAreProtocolErrors() async throws {
        let garbage = token + Array("data: ".utf8) + [0xFF, 0x00, 0xFE, 0x7B, 0x80] + [10, 10]
        let s1 = try await runAgainst(try CannedServer(response: CannedServer.sse(garbage)))
        XCTAssertGreaterThan(s1.requests.errors["protocol"] ?? 0, 0)
        // Two data lines with no blank line between them make one event that is not JSON.
        let joined = Array("data: {\"token\":{\"text\":\"a\"}}\ndata: {\"token\":{\"text\":\"b\"}}\n\n".utf8)
        let s2 = try await runAgainst(try CannedServer(response: CannedServer.sse(joined)))
        XCTAssertEqual(s2.requests.failed, s2.requests.errors["protocol"])
        XCTAssertGreaterThan(s2.requests.failed, 0)
    }

    func testAServerThatNeverAnswersTimesOut() async throws {
        let s = try await runAgainst(try CannedServer(response: nil))
        XCTAssertGreaterThan(s.requests.errors["timeout"] ?? 0, 0)
        XCTAssertEqual(s.requests.failed, s.requests.errors["timeout"])
    }

    func testRequestTimeoutCutsALongStream() async throws {
        // A stream that keeps sending comments (so it is never idle) and never finishes.
        let server = try CannedServer(response: CannedServer.sse(token), trickle: 3)
        let s = try await runAgainst(server, ["request_timeout": .string("250ms"), "stream_idle_timeout": .string("10s")])
        XCTAssertEqual(s.requests.succeeded, 0)
        XCTAssertGreaterThan(s.requests.failed, 0)
        XCTAssertEqual(s.requests.errors["timeout"], s.requests.failed, "the keep-alive comments keep it from idling, the request timeout ends it")
    }

    func test429And503BeforeTheStreamAreHTTPErrorsWithTheirStatus() async throws {
        let body = #"{"error":"Model is overloaded","error_type":"overloaded"}"#
        let r429 = Array("HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)".utf8)
        let s = try await runAgainst(try CannedServer(response: r429))
        XCTAssertEqual(s.requests.errors["http"], s.requests.failed)
        XCTAssertEqual(s.requests.statusCodes["429"], s.requests.failed)
        let r503 = Array("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8)
        let s2 = try await runAgainst(try CannedServer(response: r503))
        XCTAssertEqual(s2.requests.statusCodes["503"], s2.requests.failed)
        XCTAssertGreaterThan(s2.requests.failed, 0)
    }

    func testNonEventStreamResponseIsAProtocolError() async throws {
        let json = Array("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}".utf8)
        let s = try await runAgainst(try CannedServer(response: json))
        XCTAssertEqual(s.requests.errors["protocol"], s.requests.failed)
        XCTAssertGreaterThan(s.requests.failed, 0)
    }
}
