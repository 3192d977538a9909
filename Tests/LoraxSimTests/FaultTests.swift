import Foundation
import XCTest
@testable import LoraxSim

/// Every fault mode produces its documented bytes or behaviour (each fires on every request here).
final class FaultTests: XCTestCase {
    func server(_ edit: (inout SimFaults) -> Void) async throws -> LoraxSimServer {
        var c = try SimConfig.profile("fast")
        edit(&c.faults)
        return try await startSim(self, c)
    }

    let body = #"{"inputs":"x","parameters":{"max_new_tokens":6}}"#

    func testStreamError() async throws {
        let s = try await server { $0[.streamError].every = 1 }
        let r = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body)
        XCTAssertEqual(r.status, 200)
        XCTAssertFalse(r.truncated)
        XCTAssertEqual(r.events.count, 4)  // 3 tokens (⌊6/2⌋) then the error
        XCTAssertEqual(r.events.last, #"{"error":"Request failed during generation: Server error: simulated fault","error_type":"generation"}"#)
        let g = try RawHTTP.call(s.port, "POST", "/generate", body: body)
        XCTAssertEqual(g.status, 424)
        XCTAssertEqual(g.text, #"{"error":"Request failed during generation: Server error: simulated fault","error_type":"generation"}"#)
        XCTAssertEqual(s.requests().map(\.fault), ["stream_error", "stream_error"])
        XCTAssertEqual(s.requests().first?.outputTokens, 3)
    }

    func testDisconnectIsATCPResetWithoutFinalEvent() async throws {
        let s = try await server { $0[.disconnect].every = 1 }
        let c = try RawHTTP(port: s.port)
        try c.request("POST", "/generate_stream", body: body)
        let r = try c.readResponse()
        XCTAssertTrue(r.truncated)
        XCTAssertEqual(r.events.count, 3)
        XCTAssertTrue(r.events.allSatisfy { $0.contains("\"generated_text\":null") })
        XCTAssertEqual(s.requests().first?.fault, "disconnect")
    }

    func testIncompleteEndsCleanlyWithoutFinalEvent() async throws {
        let s = try await server { $0[.incomplete].every = 1 }
        let c = try RawHTTP(port: s.port)
        try c.request("POST", "/generate_stream", body: body)
        let r = try c.readResponse()
        XCTAssertFalse(r.truncated)
        XCTAssertEqual(r.events.count, 3)
        XCTAssertTrue(r.events.allSatisfy { $0.hasSuffix("\"generated_text\":null,\"details\":null}") })
        XCTAssertEqual(s.requests().first?.fault, "incomplete")
    }

    func testHTTPError() async throws {
        let s = try await server { $0[.httpError].every = 2 }
        let ok = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body)
        XCTAssertEqual(ok.status, 200)
        let r = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body)
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.header("content-type"), "application/json")
        XCTAssertEqual(r.text, #"{"error":"Service Unavailable: simulated fault","error_type":"unavailable"}"#)
        XCTAssertEqual(s.requests().map(\.fault), [nil, "http_error"])
        XCTAssertEqual(s.requests().map(\.status), [200, 503])
    }

    func testMalformedEvent() async throws {
        let s = try await server { $0[.malformed].every = 1 }
        let r = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body)
        XCTAssertFalse(r.truncated)
        XCTAssertTrue(r.text.hasSuffix("\"details\":null}\n\ndata: {broken\n\n"), r.text)
        XCTAssertEqual(r.events.count, 4)
    }

    func testStallPausesThenContinuesWithKeepAlives() async throws {
        var c = try SimConfig.profile("fast")
        c.faults[.stall].every = 1
        c.faults.stallMs = 200
        c.keepAliveSeconds = 0.05
        let s = try await startSim(self, c)
        let r = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body)
        XCTAssertEqual(r.events.count, 6)
        XCTAssertTrue(r.events.last!.contains("\"generated_text\":\""))
        XCTAssertTrue(r.text.contains("\n\n:\n\n"), "keep-alive comment during the stall")
        let rec = try XCTUnwrap(s.requests().first)
        let times = try XCTUnwrap(rec.tokenMicros)
        let gaps = zip(times, times.dropFirst()).map { Double($1 - $0) / 1000 }
        XCTAssertEqual(gaps[2], 200, accuracy: 10, "\(gaps)")
        XCTAssertEqual(rec.fault, "stall")
        XCTAssertGreaterThan(s.stats().keepAlivesWritten, 0)
    }

    func testRatesAreSeededAndReproducible() async throws {
        var c = try SimConfig.profile("fast")
        c.faults[.streamError].rate = 0.5
        c.seed = 7
        func run() async throws -> [String?] {
            let s = try await LoraxSimServer.start(c)
            var out: [String?] = []
            for _ in 0..<20 { _ = try RawHTTP.call(s.port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#) }
            out = s.requests().map(\.fault)
            try await s.shutdown()
            return out
        }
        let a = try await run(), b = try await run()
        XCTAssertEqual(a, b)
        let n = a.compactMap { $0 }.count
        XCTAssertGreaterThan(n, 3)
        XCTAssertLessThan(n, 17)
    }
}

/// /sim/requests and x-request-id agree with what the client saw.
final class GroundTruthTests: SimTestCase {
    func testRecordsMatchTheClient() throws {
        var seen: [(id: String, first: UInt64, last: UInt64, events: Int)] = []
        for i in 0..<3 {
            let c = try RawHTTP(port: port)
            let headers = i == 0 ? [("X-Request-Id", "mine-1")] : []
            try c.request("POST", "/generate_stream", body: #"{"inputs":"a b","parameters":{"max_new_tokens":7}}"#, headers: headers)
            let r = try c.readResponse()
            seen.append((r.header("x-request-id")!, r.chunks.first!.micros, r.chunks.last!.micros, r.events.count))
        }
        XCTAssertEqual(seen[0].id, "mine-1")
        XCTAssertNotEqual(seen[1].id, seen[2].id)
        let http = try RawHTTP.call(port, "GET", "/sim/requests")
        let fromHTTP = try JSONDecoder().decode([SimRequestRecord].self, from: Data(http.body))
        XCTAssertEqual(fromHTTP, server.requests())
        XCTAssertTrue(http.text.contains("\"first_token_micros\":"), "snake_case keys")
        for (rec, client) in zip(fromHTTP, seen) {
            XCTAssertEqual(rec.id, client.id)
            XCTAssertEqual(rec.outputTokens, client.events)
            XCTAssertEqual(rec.status, 200)
            XCTAssertEqual(rec.finishReason, "length")
            XCTAssertEqual(rec.tokenMicros?.count, 7)
            // Same clock: the server wrote before the client read, and not long before.
            XCTAssertLessThanOrEqual(rec.firstTokenMicros!, client.first)
            XCTAssertLessThan(client.first - rec.firstTokenMicros!, 5_000)
            XCTAssertLessThanOrEqual(rec.lastTokenMicros!, client.last)
            XCTAssertLessThan(client.last - rec.lastTokenMicros!, 5_000)
        }
        let st = try JSONDecoder().decode(SimStats.self, from: Data(try RawHTTP.call(port, "GET", "/sim/stats").body))
        XCTAssertEqual(st.requests, 3)
        XCTAssertEqual(st.tokensWritten, 21)
        XCTAssertEqual(st.schedulingErrorSamples, 21)
        XCTAssertEqual(try RawHTTP.call(port, "POST", "/sim/reset", body: "").status, 200)
        XCTAssertEqual(server.requests().count, 0)
        XCTAssertEqual(server.stats().requests, 0)
    }
}
