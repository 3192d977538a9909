@testable import LoadGen
import Foundation
import Stats
import XCTest

/// `shared_prefix` and `sessions`: what bytes each request carries, which adapter, and the origin columns.
final class SharedPrefixAndSessionTests: XCTestCase {
    func body(_ r: PreparedRequest) -> String { String(decoding: r.body, as: UTF8.self) }

    func inputs(_ r: PreparedRequest) -> String {
        let b = body(r)
        return String(b[b.range(of: #""inputs":""#)!.upperBound...].prefix { $0 != "\"" })
    }

    func testPrefixGroupsShareTheirBytesAndSuffixesAreUnique() throws {
        let s = try loadGenScenario(["workload": .object(["source": .string("shared_prefix"), "groups": .int(3), "prefix_words": .int(8),
                                                          "input": .object(["distribution": .string("fixed"), "value": .int(4)])]),
                                     "adapters": .object(["ids": .array([.string("a"), .string("b")])])])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        let reqs = (0..<60).map { f.make(sequence: $0) }
        let src = try XCTUnwrap(f.prompts as? SharedPrefixPrompts)
        var suffixes = Set<String>()
        for r in reqs {
            let g = try XCTUnwrap(r.origin.prefixGroup)
            let text = inputs(r)
            XCTAssertTrue(text.hasPrefix(src.prefix(g) + " "), "request carries its group's prefix bytes")
            XCTAssertEqual(text.split(separator: " ").count, 12)
            XCTAssertEqual(r.inputWords, 12)
            suffixes.insert(String(text.dropFirst(src.prefix(g).count)))
        }
        XCTAssertEqual(Set(reqs.map { $0.origin.prefixGroup! }), [0, 1, 2])
        XCTAssertGreaterThan(suffixes.count, 55, "suffixes are (almost surely) unique")
        XCTAssertEqual(Set(reqs.map(\.adapter)), ["a", "b"], "shared: a group goes to any adapter")
        XCTAssertEqual(reqs.filter { $0.origin.prefixFirst == true }.count, Set(reqs.map { "\($0.adapter)/\($0.origin.prefixGroup!)" }).count,
                       "one first per (adapter, group)")
    }

    func testPerAdapterGroupsBelongToOneAdapter() throws {
        let s = try loadGenScenario(["workload": .object(["source": .string("shared_prefix"), "groups": .int(4), "prefix_words": .int(5), "scope": .string("per_adapter")]),
                                     "adapters": .object(["ids": .array([.string("a"), .string("b")])])])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        for i in 0..<40 {
            let r = f.make(sequence: i)
            XCTAssertEqual(r.adapter, ["a", "b"][r.origin.prefixGroup! % 2])
        }
        XCTAssertThrowsError(try loadGenScenario(["workload": .object(["source": .string("shared_prefix"), "prefix_words": .int(5), "scope": .string("per_adapter")])])) {
            XCTAssertEqual(($0 as? ScenarioError)?.issues.map(\.description), [#"workload.scope: "per_adapter" gives each group one of the scenario's adapters, but "adapters" lists none"#])
        }
    }

    func testSessionsSendTheGrowingHistoryWithOneAdapterPerSession() throws {
        let s = try loadGenScenario(api: "openai-chat", ["workload": .object(["source": .string("sessions"), "turns": .int(3),
                                                                              "input": .object(["distribution": .string("fixed"), "value": .int(3)])]),
                                                         "max_new_tokens": .int(2),
                                                         "adapters": .object(["ids": .array([.string("a"), .string("b"), .string("c")])])])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        func messages(_ r: PreparedRequest) throws -> [[String: String]] {
            let o = try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
            return (o["messages"] as! [[String: String]])
        }
        // VU 1's first six requests: two sessions of three turns.
        let reqs = (0..<6).map { f.make(slot: RequestSlot(sequence: 10 + $0, vu: 1, vuIteration: $0)) }
        XCTAssertEqual(reqs.map { $0.origin.turn! }, [1, 2, 3, 1, 2, 3])
        XCTAssertEqual(reqs.map { $0.origin.session! }, ["vu1-s0", "vu1-s0", "vu1-s0", "vu1-s1", "vu1-s1", "vu1-s1"])
        let m = try reqs.prefix(3).map(messages)
        XCTAssertEqual(m.map { $0.map { $0["role"]! } }, [["user"], ["user", "assistant", "user"], ["user", "assistant", "user", "assistant", "user"]])
        XCTAssertEqual(Array(m[2].prefix(3)), m[1], "each turn carries the conversation so far, byte for byte")
        XCTAssertEqual(m[1][0], m[0][0])
        XCTAssertEqual(m[2][1]["content"]!.split(separator: " ").count, 2, "a reply stand-in as long as the turn asked for")
        XCTAssertEqual(reqs.map(\.inputWords), [3, 8, 13, 3, 8, 13])
        XCTAssertEqual(Set(reqs.prefix(3).map(\.adapter)).count, 1, "one adapter per session")
        XCTAssertNotEqual(try messages(reqs[3]), m[0], "a new session starts a new conversation")
        // The same slot gives the same bytes whatever was made before.
        XCTAssertEqual(f.make(slot: RequestSlot(sequence: 12, vu: 1, vuIteration: 2)).body, reqs[2].body)
        XCTAssertThrowsError(try loadGenScenario(["workload": .object(["source": .string("sessions"), "turns": .int(3)]), "vus": nil, "rate": .int(2)].compactMapValues { $0 })) {
            XCTAssertEqual(($0 as? ScenarioError)?.issues.map(\.description).last,
                           #"workload.source: "sessions" runs under virtual users (constant-vus or ramping-vus): each VU holds one conversation at a time"#)
        }
    }

    func testBreakdownRowsByTurnAndPrefixPosition() {
        let b = WorkloadBreakdown()
        func rec(turn: Int? = nil, first: Bool? = nil, ttft: UInt64?) -> RequestRecord {
            var r = RequestRecord(sequence: 0, vu: 0, adapter: "", cold: false, intendedMicros: 0, sentMicros: 0,
                                  firstTokenMicros: ttft, endMicros: 100_000, inputWords: 1, maxNewTokens: 1, status: 200)
            r.origin = RequestOrigin(turn: turn, prefixFirst: first)
            if ttft == nil { r.errorClass = .http }
            return r
        }
        for t in [10_000, 20_000, 30_000] as [UInt64] { b.add(rec(turn: 1, ttft: t)) }
        b.add(rec(turn: 2, ttft: 5_000))
        b.add(rec(turn: 2, ttft: nil))
        b.add(rec(first: true, ttft: 40_000))
        b.add(rec(first: false, ttft: 4_000))
        XCTAssertEqual(b.rows, [
            ["turn", "1", "3", "0", "20.015", "30.000", "30.000"], // the histogram's own resolution (3 significant digits),
            ["turn", "2", "1", "1", "5.000", "5.000", "5.000"],
            ["prefix", "first", "1", "0", "40.000", "40.000", "40.000"],
            ["prefix", "repeat", "1", "0", "4.000", "4.000", "4.000"],
        ])
        XCTAssertEqual(b.lines[1], "turn 2: TTFT p50 5.000 ms, p90 5.000 ms, p99 5.000 ms (1 ok, 1 failed)")
    }
}
