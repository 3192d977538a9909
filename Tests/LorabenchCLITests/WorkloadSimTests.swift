import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// Shared-prefix and session workloads against the simulator's prefix-cache model: the server side sees the
/// shared bytes (its cache finds them) and the growing history, and TTFT shows the cache.
final class WorkloadSimTests: XCTestCase {
    /// 4 groups of 64 words shared across 2 adapters: a repeat of (adapter, group) finds the whole prefix
    /// (4 blocks of 16 words) in the simulator's cache, a first touch nothing; prefill is slow enough that it shows.
    func testSharedPrefixBytesAreSharedOnTheServerAndRepeatsPrefillLess() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","prefill_base_ms":1,"prefill_per_token_ms":0.2,"tokens_per_word":1,"prefix_cache_blocks":64,"prefix_block_words":16,"seed":4}"#)
        let s = try h.scenario(["concurrency": .int(2), "duration": .string("3s"),
                                "adapters": .object(["ids": .array([.string("a"), .string("b")])]), "max_new_tokens": .int(3),
                                "workload": .object(["source": .string("shared_prefix"), "groups": .int(4), "prefix_words": .int(64),
                                                     "input": .object(["distribution": .string("fixed"), "value": .int(8)])])])
        let out = try await h.run(s)
        await h.stop()
        let rows = try readRequestsCSV(out.directory)
        let server = Dictionary(h.sim.requests().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertGreaterThan(rows.count, 40)
        XCTAssertEqual(out.summary.requests.failed, 0)
        var firstTTFT: [Double] = [], repeatTTFT: [Double] = []
        for row in rows {
            let truth = try XCTUnwrap(server[try XCTUnwrap(row["request_id"])])
            XCTAssertEqual(truth.inputTokens, 72)
            if row["prefix_first"] == "1" {
                XCTAssertEqual(truth.cachedPrefixTokens, 0, "a first touch finds nothing")
                firstTTFT.append(Double(row["ttft_ms"]!)!)
            } else {
                XCTAssertEqual(row["prefix_first"], "0")
                XCTAssertEqual(truth.cachedPrefixTokens, 64, "a repeat finds all four prefix blocks: the bytes are the same")
                repeatTTFT.append(Double(row["ttft_ms"]!)!)
            }
        }
        XCTAssertEqual(firstTTFT.count, 8, "4 groups × 2 adapters")
        XCTAssertGreaterThan(percentile(firstTTFT, 50), percentile(repeatTTFT, 50) + 5, "72 tokens prefilled vs 8: 14.4 ms vs 1.6 ms of prefill")
        let breakdown = try String(contentsOfFile: out.directory + "/workload.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(breakdown.first, "breakdown,key,requests,failed,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms")
        XCTAssertTrue(breakdown[1].hasPrefix("prefix,first,8,0,"), "\(breakdown)")
        XCTAssertTrue(breakdown[2].hasPrefix("prefix,repeat,\(repeatTTFT.count),0,"), "\(breakdown)")
    }

    /// Sessions over openai-chat: the server receives each turn's whole history (input grows by the turn's words
    /// and the previous reply), its cache finds the earlier turns under the session's adapter, and workload.csv has TTFT by turn.
    func testSessionsSendTheGrowingHistoryToTheServer() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","tokens_per_word":1,"prefix_cache_blocks":256,"prefix_block_words":4,"seed":4}"#)
        let s = try h.scenario(["concurrency": .int(2), "duration": .string("2s"), "max_new_tokens": .int(4),
                                "adapters": .object(["ids": .array([.string("a"), .string("b"), .string("c")])]),
                                "workload": .object(["source": .string("sessions"), "turns": .int(3),
                                                     "input": .object(["distribution": .string("fixed"), "value": .int(8)])])],
                               target: ["api": .string("openai-chat")])
        let out = try await h.run(s)
        await h.stop()
        let rows = try readRequestsCSV(out.directory)
        let server = Dictionary(h.sim.requests().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(out.summary.requests.failed, 0)
        var adapterOf: [String: String] = [:]
        var turns = Set<Int>()
        for row in rows {
            let truth = try XCTUnwrap(server[try XCTUnwrap(row["request_id"])])
            let turn = try XCTUnwrap(Int(row["turn"]!))
            turns.insert(turn)
            XCTAssertEqual(truth.inputTokens, 8 * turn + 4 * (turn - 1), "turn \(turn): the user turns so far and the replies between them")
            let session = try XCTUnwrap(row["session"])
            if let a = adapterOf[session] { XCTAssertEqual(truth.adapter, a, "one adapter per session") } else { adapterOf[session] = truth.adapter }
            if turn > 1 { XCTAssertGreaterThanOrEqual(truth.cachedPrefixTokens ?? 0, 8 * (turn - 1), "the earlier turns are cached under the session's adapter") }
        }
        XCTAssertEqual(turns, [1, 2, 3])
        let breakdown = try String(contentsOfFile: out.directory + "/workload.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(breakdown.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }, ["turn,1", "turn,2", "turn,3"])
    }
}
