import Foundation
import XCTest
@testable import LoraxSim

/// Starts a server with `config` for the rest of the test.
func startSim(_ test: XCTestCase, _ config: SimConfig) async throws -> LoraxSimServer {
    let s = try await LoraxSimServer.start(config)
    test.addTeardownBlock { try? await s.shutdown() }
    return s
}

/// A config with round numbers: TTFT alone = decode 10 + prefill 20 = 30 ms, ITL = 10 ms.
func roundConfig() throws -> SimConfig {
    var c = try SimConfig.profile("fast")
    c.decodeBaseMs = 10
    c.decodePerSequenceMs = 0
    c.decodePerAdapterMs = 0
    c.prefillBaseMs = 20
    c.prefillPerTokenMs = 0
    c.adapterLoadMs = 100
    c.maxActiveAdapters = 1
    c.adapterCycleTimeMs = 10_000
    return c
}

/// The latency model: documented TTFT/ITL, cold adapters, queueing past the batch limit.
final class LatencyModelTests: XCTestCase {
    func testTTFTAndITLMatchTheModel() async throws {
        let s = try await startSim(self, try roundConfig())
        let c = try RawHTTP(port: s.port)
        let sent = simMonotonicMicros()
        try c.request("POST", "/generate_stream", body: #"{"inputs":"one two three","parameters":{"max_new_tokens":8}}"#)
        let r = try c.readResponse()
        XCTAssertEqual(r.events.count, 8)
        let rec = try XCTUnwrap(s.requests().first)
        let ttft = Double(rec.firstTokenMicros! - rec.receivedMicros) / 1000
        XCTAssertEqual(ttft, 30, accuracy: 3, "server TTFT")
        let times = try XCTUnwrap(rec.tokenMicros)
        XCTAssertEqual(times.count, 8)
        for (a, b) in zip(times, times.dropFirst()) {
            XCTAssertEqual(Double(b - a) / 1000, 10, accuracy: 3, "server ITL")
        }
        // The client sees the same within a few ms.
        XCTAssertEqual(Double(r.chunks[0].micros - sent) / 1000, 30, accuracy: 6, "client TTFT")
        let clientITL = Double(r.chunks.last!.micros - r.chunks[0].micros) / 1000 / 7
        XCTAssertEqual(clientITL, 10, accuracy: 2, "client mean ITL")
    }

    func testFastProfileNumbers() async throws {
        // Documented: TTFT = decode 2 + per-seq 0.01 + prefill 2 + 0.01 × input tokens; ITL = 2.01 ms.
        let s = try await startSim(self, try SimConfig.profile("fast"))
        let words = Array(repeating: "w", count: 100).joined(separator: " ")  // 130 tokens
        _ = try RawHTTP.call(s.port, "POST", "/generate_stream", body: "{\"inputs\":\"\(words)\",\"parameters\":{\"max_new_tokens\":50}}")
        let rec = try XCTUnwrap(s.requests().first)
        XCTAssertEqual(rec.inputTokens, 130)
        XCTAssertEqual(Double(rec.firstTokenMicros! - rec.receivedMicros) / 1000, 2 + 0.01 + 2 + 1.3, accuracy: 1.5)
        XCTAssertEqual(Double(rec.lastTokenMicros! - rec.firstTokenMicros!) / 1000 / 49, 2.01, accuracy: 0.3)
    }

    func testColdAdaptersLoadSeriallyAndWaitForASlot() async throws {
        let s = try await startSim(self, try roundConfig())
        let a = try RawHTTP(port: s.port), b = try RawHTTP(port: s.port), base = try RawHTTP(port: s.port)
        try a.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":3,"adapter_id":"org/a"}}"#, headers: [("x-request-id", "a")])
        try b.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":3,"adapter_id":"org/b"}}"#, headers: [("x-request-id", "b")])
        try base.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":3}}"#, headers: [("x-request-id", "base")])
        for c in [a, b, base] { XCTAssertEqual(try c.readResponse().events.count, 3) }
        let recs = Dictionary(uniqueKeysWithValues: s.requests().map { ($0.id, $0) })
        func ttft(_ id: String) -> Double { Double(recs[id]!.firstTokenMicros! - recs[id]!.receivedMicros) / 1000 }
        // base: warm, 30 ms. a: 100 ms load + 30 ms. b: waits for a to finish (one slot), then its own 100 ms load.
        XCTAssertEqual(ttft("base"), 30, accuracy: 5)
        XCTAssertEqual(ttft("a"), 130, accuracy: 8)
        XCTAssertEqual(ttft("b"), 280, accuracy: 15)
        XCTAssertEqual(recs["a"]?.cold, true)
        XCTAssertEqual(recs["b"]?.cold, true)
        XCTAssertEqual(recs["base"]?.cold, false)
        let st = s.stats()
        XCTAssertEqual(st.adapterLoads, 2)
        XCTAssertEqual(st.adapterEvictions, 1)
        XCTAssertEqual(st.loadedAdapters, 1)
        // A second request for the loaded adapter is warm.
        _ = try RawHTTP.call(s.port, "POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":1,"adapter_id":"org/b"}}"#,
                             headers: [("x-request-id", "b2")])
        let b2 = try XCTUnwrap(s.requests().first(where: { $0.id == "b2" }))
        XCTAssertFalse(b2.cold)
        XCTAssertEqual(Double(b2.firstTokenMicros! - b2.receivedMicros) / 1000, 30, accuracy: 5)
    }

    func testSimultaneousColdAdaptersQueueOnTheSerialLoader() async throws {
        var cfg = try roundConfig()
        cfg.maxActiveAdapters = 8
        let s = try await startSim(self, cfg)
        let conns = try (0..<3).map { i -> RawHTTP in
            let c = try RawHTTP(port: s.port)
            try c.request("POST", "/generate_stream", body: "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":2,\"adapter_id\":\"org/\(i)\"}}",
                          headers: [("x-request-id", "r\(i)")])
            return c
        }
        for c in conns { _ = try c.readResponse() }
        let recs = Dictionary(uniqueKeysWithValues: s.requests().map { ($0.id, $0) })
        let t = (0..<3).map { Double(recs["r\($0)"]!.firstTokenMicros! - recs["r\($0)"]!.receivedMicros) / 1000 }
        // Loads finish at 100, 200, 300 ms; each then needs its prefill step (and may wait for a running step to end).
        XCTAssertEqual(t[0], 130, accuracy: 10)
        XCTAssertGreaterThan(t[1], 225)
        XCTAssertGreaterThan(t[2], 325)
        XCTAssertLessThan(t[2], 360)
    }

    func testQueueingPastTheBatchLimit() async throws {
        var cfg = try roundConfig()
        cfg.maxBatchSize = 2
        let s = try await startSim(self, cfg)
        let conns = try (0..<4).map { i -> RawHTTP in
            let c = try RawHTTP(port: s.port)
            try c.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":5}}"#, headers: [("x-request-id", "q\(i)")])
            usleep(1000)
            return c
        }
        for c in conns { XCTAssertEqual(try c.readResponse().events.count, 5) }
        let recs = Dictionary(uniqueKeysWithValues: s.requests().map { ($0.id, $0) })
        func queueMs(_ i: Int) -> Double { Double(recs["q\(i)"]!.admittedMicros! - recs["q\(i)"]!.receivedMicros) / 1000 }
        XCTAssertLessThan(queueMs(0), 3)
        XCTAssertLessThan(queueMs(1), 35)   // joins at the next step boundary
        XCTAssertGreaterThan(queueMs(2), 60) // waits for a batch slot
        XCTAssertGreaterThan(queueMs(3), queueMs(2))
    }
}
