import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// lorabench's measurements held against what the simulator really did, request by request.
final class GroundTruthTests: XCTestCase {
    func testTTFTAndITLAgreeWithServerGroundTruthUnder200VUs() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","decode_base_ms":25,"decode_per_sequence_ms":0.01,"max_batch_size":512,"max_active_adapters":64,"seed":9}"#)
        let s = try h.scenario(["concurrency": .int(200), "duration": .string("4s"),
                                "adapters": .object(["count": .int(8), "template": .string("org/a-{i}")])])
        let out = try await h.run(s)
        await h.stop()
        let rows = try readRequestsCSV(out.directory)
        let server = Dictionary(h.sim.requests().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertGreaterThan(rows.count, 400)
        XCTAssertEqual(out.summary.requests.failed, 0)
        XCTAssertEqual(out.summary.requests.succeeded, rows.count)

        var ttftDiffs: [Double] = [], e2eDiffs: [Double] = [], itlDiffs: [Double] = []
        var tokensChecked = 0
        for row in rows {
            let id = try XCTUnwrap(row["request_id"], "every response carries x-request-id")
            let truth = try XCTUnwrap(server[id], "server saw \(id)")
            let first = try XCTUnwrap(truth.firstTokenMicros), last = try XCTUnwrap(truth.lastTokenMicros)
            let serverTTFT = Double(first - truth.receivedMicros) / 1000
            let serverE2E = Double(last - truth.receivedMicros) / 1000
            ttftDiffs.append(abs(Double(row["ttft_ms"]!)! - serverTTFT))
            if ProcessInfo.processInfo.environment["GT_DEBUG"] != nil, abs(Double(row["ttft_ms"]!)! - serverTTFT) > 2 { print("DBG seq=\(row["sequence"]!) vu=\(row["vu"]!) sent=\(row["sent_ms"]!) client=\(row["ttft_ms"]!) server=\(serverTTFT) adm=\(truth.admittedMicros.map { (Double($0) - Double(truth.receivedMicros))/1000 } ?? -1)") }
            e2eDiffs.append(abs(Double(row["e2e_ms"]!)! - serverE2E))
            XCTAssertEqual(Int(row["output_tokens"]!), truth.outputTokens)
            tokensChecked += truth.outputTokens
            if let times = truth.tokenMicros, times.count >= 2 {
                let serverTPOT = Double(times.last! - times.first!) / Double(times.count - 1) / 1000
                itlDiffs.append(abs(Double(row["tpot_ms"]!)! - serverTPOT))
            }
        }
        XCTAssertEqual(out.summary.outputTokens, tokensChecked)
        XCTAssertLessThan(percentile(ttftDiffs, 99), 2.0, "TTFT p99 |client − server| in ms")
        XCTAssertLessThan(percentile(e2eDiffs, 99), 2.0, "E2E p99 |client − server| in ms")
        XCTAssertLessThan(percentile(itlDiffs, 99), 2.0, "mean ITL p99 |client − server| in ms")
        // The pooled ITL distribution matches the server's step time (decode 25 ms + small per-sequence cost).
        let itl = try XCTUnwrap(out.summary.metrics["itl"])
        XCTAssertEqual(itl.p50, 25 + 0.01 * 200, accuracy: 3)
    }
}
