import Foundation
import XCTest
@testable import LoraxSim

/// Keep-alives during waits, replicas, HTTP/1.0 clients, reset.
final class BehaviourTests: XCTestCase {
    func testKeepAliveCommentsDuringAColdLoad() async throws {
        var c = try roundConfig()
        c.adapterLoadMs = 300
        c.keepAliveSeconds = 0.05
        let s = try await startSim(self, c)
        let r = try RawHTTP.call(s.port, "POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":2,"adapter_id":"cold/one"}}"#)
        XCTAssertTrue(r.text.hasPrefix(":\n\n"), r.text)
        XCTAssertEqual(r.events.count, 2)
        let comments = r.text.components(separatedBy: "\n\n").filter { $0 == ":" }.count
        XCTAssertGreaterThanOrEqual(comments, 3)
        XCTAssertLessThanOrEqual(comments, 8)
        XCTAssertTrue(s.requests()[0].cold)
    }

    func testReplicasShareTheLoad() async throws {
        var c = try roundConfig()
        c.maxBatchSize = 1
        c.replicas = 2
        let s = try await startSim(self, c)
        let conns = try (0..<2).map { i -> RawHTTP in
            let h = try RawHTTP(port: s.port)
            try h.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":3}}"#, headers: [("x-request-id", "p\(i)")])
            return h
        }
        for h in conns { XCTAssertEqual(try h.readResponse().events.count, 3) }
        // With one replica of batch size 1 the second would queue for ~50 ms; with two both start at once.
        for r in s.requests() {
            XCTAssertEqual(Double(r.firstTokenMicros! - r.receivedMicros) / 1000, 30, accuracy: 6, r.id)
        }
    }

    func testHTTP10ClientGetsAnUnchunkedStream() async throws {
        let s = try await startSim(self, try SimConfig.profile("fast"))
        let c = try RawHTTP(port: s.port)
        let body = #"{"inputs":"x","parameters":{"max_new_tokens":3}}"#
        try c.send("POST /generate_stream HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        var all: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            all += buf[0..<n]
        }
        let text = String(decoding: all, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        XCTAssertTrue(parts[0].hasPrefix("HTTP/1.0 200 OK"), parts[0])
        XCTAssertFalse(parts[0].lowercased().contains("transfer-encoding"))
        let events = parts.dropFirst().joined(separator: "\r\n\r\n").components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
        XCTAssertEqual(events.count, 3, text)
    }

    func testConfigValidationAtStart() async {
        var c = SimConfig()
        c.maxBatchSize = 0
        do {
            _ = try await LoraxSimServer.start(c)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual((error as? SimConfigError)?.issues, [SimConfigIssue(path: "max_batch_size", message: "must be >= 1")])
        }
    }
}
