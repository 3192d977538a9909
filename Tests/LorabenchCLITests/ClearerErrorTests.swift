import Foundation
import LoadGen
@testable import LorabenchCLI
import Stats
import XCTest

/// Issue 10, "clearer errors": each hostile reply is failed with a message that says what happened.
final class ClearerErrorTests: XCTestCase {
    let event = Array(#"data: {"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":" a","details":{"finish_reason":"length","prompt_tokens":3,"generated_tokens":1}}"#.utf8) + [10, 10]

    /// The requests.csv rows of a short run against `response`.
    func rows(_ response: [UInt8]) async throws -> [[String: String]] {
        let server = try CannedServer(response: response)
        defer { server.stop() }
        let out = SimHarness.tempDir()
        let path = try writeTempScenario("""
        {"name":"clear","target":{"url":"\(server.baseURL)"},"concurrency":1,"duration":"300ms","health":false,"think_time":"50ms"}
        """)
        let r = await lorabench(["run", path, "--out", out, "--quiet"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let rows = try readRequestsCSV(out)
        XCTAssertFalse(rows.isEmpty)
        return rows
    }

    func head(_ lines: String) -> [UInt8] { Array("HTTP/1.1 \(lines)\r\nconnection: close\r\n\r\n".utf8) }

    func testAStatusThatIsNotThreeDigitsIsAProtocolError() async throws {
        let r = try await rows(head("2000 OK\r\ncontent-type: text/event-stream") + event)
        XCTAssertEqual(r[0]["error_class"], "protocol")
        XCTAssertTrue(r[0]["error_message"]!.hasPrefix("the reply is not valid HTTP/1.1"), r[0]["error_message"]!)
    }

    func testAnUnrequestedContentEncodingIsNamed() async throws {
        let r = try await rows(head("200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip") + [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3])
        XCTAssertEqual(r[0]["error_class"], "protocol")
        XCTAssertEqual(r[0]["error_message"], "response body is content-encoded (gzip), which lorabench did not ask for")
    }

    func testAHugeResponseHeaderIsNotOutOfMemory() async throws {
        let big = String(repeating: "a", count: 1 << 20)
        let r = try await rows(head("200 OK\r\ncontent-type: text/event-stream\r\nx-big: \(big)") + event)
        XCTAssertEqual(r[0]["error_class"], "protocol")
        XCTAssertTrue(r[0]["error_message"]!.hasPrefix("response header too large for curl (over 100 KB)"), r[0]["error_message"]!)
    }

    func testARawNULNeverReachesRequestsCSV() async throws {
        let bad = Array(String(decoding: event, as: UTF8.self).replacingOccurrences(of: "\"text\":\" a\"", with: "\"text\":\" \u{0}\"").utf8)
        XCTAssertTrue(bad.contains(0))
        let r = try await rows(CannedServer.sse(bad))
        XCTAssertEqual(r[0]["error_class"], "protocol", "a raw control character is not JSON")
        XCTAssertTrue(r[0]["error_message"]!.contains("\\u0000"), r[0]["error_message"]!)
        XCTAssertFalse(r[0]["error_message"]!.unicodeScalars.contains("\u{0}"))
        XCTAssertEqual(CSVLineWriter.escape("a\u{0}b\u{7F}\tc"), "a\\u0000b\\u007f\tc")
    }

    func testTheHealthWaitSaysWhatItIsWaitingFor() async throws {
        let path = try writeTempScenario("""
        {"name":"nobody","target":{"url":"http://127.0.0.1:9"},"concurrency":1,"duration":"1s","health":{"interval":"250ms","timeout":"6s"}}
        """)
        let r = await lorabench(["run", path, "--out", SimHarness.tempDir()])
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertTrue(r.err.contains("still waiting for http://127.0.0.1:9/health to answer 200: last attempt "), r.err)
        XCTAssertEqual(r.err.components(separatedBy: "still waiting").count, 2, "said once")
    }

    // A response head trickling in a byte at a time is slow, not silent: the idle timeout looks at the socket.
    func testAHeadTricklingInIsNotNoBytes() async throws {
        let head = Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".utf8)
        let server = try CannedServer(response: head + event, dribble: 0.04, dribbleBytes: head.count)
        defer { server.stop() }
        let out = SimHarness.tempDir()
        let path = try writeTempScenario("""
        {"name":"slowhead","target":{"url":"\(server.baseURL)"},"concurrency":1,"duration":"500ms","health":false,
         "stream_idle_timeout":"300ms","request_timeout":"20s","graceful_stop":"10s"}
        """)
        let r = await lorabench(["run", path, "--out", out, "--quiet"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let rows = try readRequestsCSV(out)
        XCTAssertEqual(rows.first?["error_class"], "", rows.first?["error_message"] ?? "")
    }
}
