import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// `--shards`: several event loops share one process's load, and the results are the one run's, merged exactly.
final class ShardTests: XCTestCase {
    /// An open model over 3 shards sends the same arrivals as one loop: every scheduled arrival once, with the same
    /// sequence numbers, none dropped, each request seen once by the server, the counts in summary.json exact.
    func testThreeShardsSendExactlyTheArrivalsOfOneLoop() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":3}"#)
        let doc: [String: JSONValue] = ["rate": .int(100), "duration": .string("2s"), "max_vus": .int(60), "arrival": .string("uniform"),
                                        "adapters": .object(["count": .int(6), "template": .string("org/s-{i}")])]
        let one = try await h.run(try h.scenario(doc))
        let seenBefore = h.sim.requests().count
        let three = try await h.run(try h.scenario(doc), shards: 3)
        let seenByServer = h.sim.requests().count - seenBefore
        await h.stop()

        XCTAssertEqual(one.summary.requests.succeeded, 200, "100/s for 2 s, uniform")
        XCTAssertEqual(three.summary.requests.succeeded, one.summary.requests.succeeded)
        XCTAssertEqual(three.summary.requests.failed, 0)
        XCTAssertEqual(three.summary.requests.dropped, 0)
        XCTAssertEqual(seenByServer, 201, "each arrival reached the server once, plus the warm-up")
        let seqOne = Set(try readRequestsCSV(one.directory).map { $0["sequence"]! })
        let rowsThree = try readRequestsCSV(three.directory)
        XCTAssertEqual(rowsThree.count, 200)
        XCTAssertEqual(Set(rowsThree.map { $0["sequence"]! }), seqOne, "the same sequence numbers, none twice")
        XCTAssertEqual(three.summary.outputTokens, rowsThree.reduce(0) { $0 + Int($1["output_tokens"]!)! })
        // Each adapter's first request is cold once in the process, whichever shard sent it.
        XCTAssertEqual(rowsThree.filter { $0["cold"] == "1" }.count, 6)
    }

    /// A closed model over 2 shards runs exactly its VUs: each VU number is used, by one shard, none twice at once.
    func testTwoShardsRunEveryVUOfAClosedModel() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":4}"#)
        let s = try h.scenario(["vus": .int(7), "duration": .string("1s"), "think_time": .string("50ms")])
        let out = try await h.run(s, shards: 2)
        await h.stop()
        let rows = try readRequestsCSV(out.directory)
        XCTAssertEqual(Set(rows.map { $0["vu"]! }), Set((0..<7).map(String.init)))
        XCTAssertEqual(out.summary.requests.failed, 0)
        XCTAssertEqual(Set(rows.map { $0["sequence"]! }).count, rows.count, "sequence numbers are disjoint across shards")
    }
}
