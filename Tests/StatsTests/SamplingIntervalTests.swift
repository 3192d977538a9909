import Foundation
@testable import Stats
import XCTest

/// The intervals `compare` judges noise by, on distributions whose answer is known.
final class SamplingIntervalTests: XCTestCase {
    func uniform(_ n: UInt64) -> TrackedMetric {
        var m = TrackedMetric()
        for v in 1...n { m.record(v) }
        return m
    }

    func testQuantileBoundsAreOrderStatisticsOfTheHistogram() throws {
        // 1000 values 1..1000 µs: the median's rank lies in 500 ± 1.96·√250 = 469..532 (exact in HDR below 2048).
        let i = try XCTUnwrap(SamplingInterval.quantile(uniform(1000), q: 0.5))
        XCTAssertEqual(i, SamplingInterval(lower: 0.469, upper: 0.532))
        // The same values as 100 independent clusters: a wider interval, by √10.
        let wide = try XCTUnwrap(SamplingInterval.quantile(uniform(1000), q: 0.5, independent: 100))
        XCTAssertEqual(wide, SamplingInterval(lower: 0.4, upper: 0.61))
    }

    func testTooFewSamplesGiveNoInterval() {
        XCTAssertNil(SamplingInterval.quantile(uniform(60), q: 0.95), "rank 57 + 3.3 runs past 60")
        XCTAssertNotNil(SamplingInterval.quantile(uniform(200), q: 0.95))
        XCTAssertNil(SamplingInterval.quantile(uniform(9), q: 0.5), "under ten samples")
        XCTAssertNil(SamplingInterval.quantile(TrackedMetric(), q: 0.5))
        XCTAssertNil(SamplingInterval.rate(10, requests: 9))
        XCTAssertNil(SamplingInterval.proportion(0, of: 0))
    }

    func testWilsonIntervalHoldsAtZeroAndOne() throws {
        let none = try XCTUnwrap(SamplingInterval.proportion(0, of: 60))
        XCTAssertEqual(none.lower, 0)  // upper z²/(n+z²) = 3.8415/63.8415
        XCTAssertEqual(none.upper, 0.060172, accuracy: 1e-6)
        let all = try XCTUnwrap(SamplingInterval.proportion(60, of: 60))
        XCTAssertEqual(all.upper, 1)
        XCTAssertTrue(none.isDisjoint(from: all))
        XCTAssertFalse(none.isDisjoint(from: try XCTUnwrap(SamplingInterval.proportion(1, of: 60))))
    }
}
