import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// The same run through each API the tool speaks, against the simulator: counts agree with its ground truth.
final class APIVariantTests: XCTestCase {
    func testEveryAPIStreamsAndCountsTokens() async throws {
        for api in Scenario.API.allCases {
            let h = try await SimHarness.start(#"{"profile":"fast"}"#)
            let s = try h.scenario(["concurrency": .int(3), "duration": .string("700ms"),
                                    "max_new_tokens": .object(["min": .int(6), "max": .int(9)]),
                                    "adapters": .array([.string("org/a"), .string("org/b")])],
                                   target: ["api": .string(api.rawValue)])
            let out = try await h.run(s)
            await h.stop()
            let rows = try readRequestsCSV(out.directory)
            XCTAssertGreaterThan(rows.count, 5, api.rawValue)
            XCTAssertEqual(out.summary.requests.failed, 0, "\(api.rawValue): \(out.summary.requests.errors)")
            XCTAssertEqual(out.summary.outputTokensSource, "server", api.rawValue)
            let truth = Dictionary(h.sim.requests().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for row in rows {
                let t = try XCTUnwrap(truth[row["request_id"] ?? ""], api.rawValue)
                XCTAssertEqual(Int(row["output_tokens"]!), t.outputTokens, api.rawValue)
                XCTAssertEqual(row["adapter"], t.adapter, "\(api.rawValue): the adapter reached the server")
                XCTAssertEqual(Int(row["token_events"]!), t.outputTokens, "\(api.rawValue): one event per token")
            }
        }
    }
}
