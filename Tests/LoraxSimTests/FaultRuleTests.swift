import Foundation
import XCTest
@testable import LoraxSim

/// The fault rule table: when one rule fires, and which wins when several fire for one request.
final class FaultRuleTests: XCTestCase {
    /// The faults of the first `n` generation requests.
    func draws(_ faults: SimFaults, _ n: Int, seed: UInt64 = 1) -> [SimFaultKind?] {
        var sequence = FaultSequence(faults: faults, seed: seed)
        return (0..<n).map { _ in sequence.next() }
    }

    func testRateOneAlwaysFires() {
        var rng = SplitMix64(seed: 9)
        let rule = FaultRule(kind: .disconnect, rate: 1)
        XCTAssertTrue((1...1000).allSatisfy { rule.fires(onRequest: UInt64($0), rng: &rng) })
        var f = SimFaults()
        f[.malformed].rate = 1
        XCTAssertEqual(draws(f, 50), Array(repeating: .malformed, count: 50))
    }

    func testRulesThatAreOffNeverFire() {
        XCTAssertEqual(draws(SimFaults(), 100), Array(repeating: nil, count: 100))
    }

    func testEveryNFiresOnExactlyTheMultiplesOfN() {
        var f = SimFaults()
        f[.incomplete].every = 4
        let fired = draws(f, 20).enumerated().compactMap { $0.element == nil ? nil : $0.offset + 1 }
        XCTAssertEqual(fired, [4, 8, 12, 16, 20])
        XCTAssertEqual(Set(draws(f, 20).compactMap { $0 }), [.incomplete])
    }

    func testSeveralRulesFireInPrecedenceOrder() {
        XCTAssertEqual(SimFaultKind.allCases, [.httpError, .streamError, .disconnect, .incomplete, .malformed, .stall, .wrongAdapter])
        var f = SimFaults()
        XCTAssertEqual(f.rules.map(\.kind), SimFaultKind.allCases)
        f[.stall].every = 1
        f[.malformed].every = 2
        f[.streamError].every = 3
        f[.httpError].every = 6
        XCTAssertEqual(draws(f, 6), [.stall, .malformed, .streamError, .malformed, .stall, .httpError])
    }

    func testARulesDrawsDoNotDependOnEarlierRulesFiring() {
        var alone = SimFaults()
        alone[.streamError].rate = 0.5
        var both = alone
        both[.httpError].every = 2
        let a = draws(alone, 40, seed: 7), b = draws(both, 40, seed: 7)
        XCTAssertTrue(a.contains(.streamError) && a.contains(nil), "\(a)")
        for (i, (x, y)) in zip(a, b).enumerated() {
            XCTAssertEqual(y, (i + 1) % 2 == 0 ? .httpError : x, "request \(i + 1)")
        }
    }

    func testResetRepeatsTheSequence() {
        var f = SimFaults()
        f[.stall].rate = 0.3
        f[.disconnect].every = 3
        var s = FaultSequence(faults: f, seed: 11)
        let first = (0..<30).map { _ in s.next() }
        s.reset()
        XCTAssertEqual((0..<30).map { _ in s.next() }, first)
        XCTAssertEqual(first, draws(f, 30, seed: 11))
    }

    func testRulesUseTheFlatJSONKeys() throws {
        XCTAssertEqual(SimFaults.keys, ["http_error_rate", "http_error_every", "stream_error_rate", "stream_error_every",
                                        "disconnect_rate", "disconnect_every", "incomplete_rate", "incomplete_every",
                                        "malformed_rate", "malformed_every", "stall_rate", "stall_every",
                                        "wrong_adapter_rate", "wrong_adapter_every", "stall_ms"])
        let c = try SimConfig.decode(from: Data(#"{"faults":{"stream_error_rate":0.25,"stall_every":3,"stall_ms":5}}"#.utf8))
        XCTAssertEqual(c.faults[.streamError], FaultRule(kind: .streamError, rate: 0.25))
        XCTAssertEqual(c.faults[.stall], FaultRule(kind: .stall, every: 3))
        XCTAssertEqual(c.faults.stallMs, 5)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c.faults)) as? [String: Double]
        XCTAssertEqual(encoded?["stream_error_rate"], 0.25)
        XCTAssertEqual(encoded?["stall_every"], 3)
        XCTAssertEqual(encoded.map { Set($0.keys) }, Set(SimFaults.keys))
        XCTAssertEqual(try JSONDecoder().decode(SimFaults.self, from: JSONEncoder().encode(c.faults)), c.faults)
    }
}
