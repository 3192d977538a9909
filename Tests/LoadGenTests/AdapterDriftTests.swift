@testable import LoadGen
import Stats
import XCTest

/// `adapter_drift`: the zipf ranking rotates over the run, so the hot adapter moves.
final class AdapterDriftTests: XCTestCase {
    func testTheHotAdapterMovesEveryPeriod() throws {
        let s = try loadGenScenario(["adapters": .object(["count": .int(5), "template": .string("a{i}"), "distribution": .string("zipf"), "zipf_s": .int(2)]),
                                     "workload": .object(["source": .string("random"), "adapter_drift": .object(["every": .string("10s"), "step": .int(2)])])])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        func hottest(atSecond t: UInt64) -> (String, Double) {
            var counts: [String: Int] = [:]
            for i in 0..<4000 { counts[f.make(slot: RequestSlot(sequence: i, elapsedMicros: t * 1_000_000)).adapter, default: 0] += 1 }
            let top = counts.max { $0.value < $1.value }!
            return (top.key, Double(top.value) / 4000)
        }
        let ids = s.adapters.ids
        XCTAssertEqual(hottest(atSecond: 0).0, ids[0])
        XCTAssertEqual(hottest(atSecond: 9).0, ids[0])
        XCTAssertEqual(hottest(atSecond: 10).0, ids[2])
        XCTAssertEqual(hottest(atSecond: 25).0, ids[4])
        XCTAssertEqual(hottest(atSecond: 30).0, ids[1], "the ranking wraps around")
        // zipf s=2 over 5 ranks: the top rank's share is 1/(1+1/4+1/9+1/16+1/25) = 0.683.
        XCTAssertEqual(hottest(atSecond: 10).1, 0.683, accuracy: 0.025)
        // Without drift the same requests keep the old bytes.
        let plain = try loadGenScenario(["adapters": .object(["count": .int(5), "template": .string("a{i}"), "distribution": .string("zipf"), "zipf_s": .int(2)])])
        let g = try RequestFactory(scenario: plain, baseURL: "http://h")
        XCTAssertEqual((0..<50).map { g.make(sequence: $0).body }, (0..<50).map { f.make(slot: RequestSlot(sequence: $0, elapsedMicros: 5_000_000)).body })
    }

    func testDriftNeedsARanking() {
        XCTAssertThrowsError(try loadGenScenario(["adapters": .object(["count": .int(3), "template": .string("a{i}")]),
                                                  "workload": .object(["source": .string("random"), "adapter_drift": .object(["every": .string("10s")])])])) {
            XCTAssertEqual(($0 as? ScenarioError)?.issues.map(\.description),
                           [#"workload.adapter_drift: rotates a ranking: needs "adapters" with a zipf distribution or weights"#])
        }
    }
}
