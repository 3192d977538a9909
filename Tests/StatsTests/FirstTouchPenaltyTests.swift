import Stats
import XCTest

/// A first touch is compared with the repeats waiting for their first token at the same moment, whichever
/// finished first.
final class FirstTouchPenaltyTests: XCTestCase {
    func record(_ adapter: String, cold: Bool, sent: UInt64, ttft: UInt64?, failed: Bool = false) -> RequestRecord {
        var r = RequestRecord(sequence: 0, vu: 0, adapter: adapter, cold: cold, intendedMicros: sent, sentMicros: sent,
                              firstTokenMicros: ttft.map { sent + $0 }, endMicros: sent + (ttft ?? 0) + 1000,
                              inputWords: 1, maxNewTokens: 1, status: 200)
        if failed { r.errorClass = .http }
        return r
    }

    func testPenaltyIsAgainstTheRepeatsInFlightBesideIt() {
        var p = FirstTouchPenalty()
        p.add(record("", cold: false, sent: 100_000, ttft: 50_000))      // in flight beside it, finished before it
        p.add(record("b", cold: false, sent: 900_000, ttft: 20_000))     // after its first token: not a neighbour
        p.add(record("a", cold: true, sent: 0, ttft: 500_000))           // the first touch of a: TTFT 500 ms
        p.add(record("", cold: false, sent: 400_000, ttft: 70_000))      // overlaps, finished after it
        p.add(record("", cold: false, sent: 200_000, ttft: 90_000, failed: true))  // failed: not a sample
        let rows = p.rows
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].adapter, "a")
        XCTAssertEqual(rows[0].ttftMs, 500)
        XCTAssertEqual(rows[0].concurrentRepeats, 2)
        XCTAssertEqual(rows[0].concurrentRepeatP50Ms, 60, "median of 50 and 70 ms")
        XCTAssertEqual(rows[0].penaltyMs, 440)
    }

    func testAFirstTouchAloneMakesNoClaim() {
        var p = FirstTouchPenalty()
        p.add(record("a", cold: true, sent: 0, ttft: 300_000))
        XCTAssertEqual(p.rows.map(\.concurrentRepeats), [0])
        XCTAssertNil(p.rows[0].penaltyMs)
        XCTAssertNil(p.rows[0].concurrentRepeatP50Ms)
    }
}
