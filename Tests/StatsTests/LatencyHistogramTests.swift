import Stats
import XCTest

final class LatencyHistogramTests: XCTestCase {
    func testKnownSamplesGiveKnownPercentiles() {
        var h = LatencyHistogram()
        for v in 1...1000 { h.record(UInt64(v) * 1000) }  // 1 ms … 1000 ms
        let s = MetricSummary(h)
        XCTAssertEqual(s.count, 1000)
        XCTAssertEqual(s.p50, 500, accuracy: 0.5)
        XCTAssertEqual(s.p90, 900, accuracy: 0.9)
        XCTAssertEqual(s.p99, 990, accuracy: 1)
        XCTAssertEqual(s.p999, 999, accuracy: 1)
        XCTAssertEqual(s.mean, 500.5, accuracy: 0.5)
        XCTAssertEqual(s.stddev, 288.7, accuracy: 0.5)
    }

    func testExactMinAndMaxSurviveBucketRounding() {
        var m = TrackedMetric()
        m.record(123_457)
        m.record(987_654_321)
        XCTAssertEqual(m.summary.min, 123.457)
        XCTAssertEqual(m.summary.max, 987_654.321)
    }

    func testEncodedFormIsSmallAndRoundTripsExactly() throws {
        var h = LatencyHistogram()
        for v: UInt64 in [5, 17, 1234, 99_999, 3_000_000] { h.record(v) }
        let enc = h.encoded
        XCTAssertEqual(enc.buckets.count, 5)
        XCTAssertLessThan(try JSONEncoder().encode(enc).count, 300)
        let back = try XCTUnwrap(LatencyHistogram(enc, exactMax: 3_000_000))
        for p in [0.0, 25, 50, 75, 99, 100] { XCTAssertEqual(back.percentile(p), h.percentile(p)) }
        XCTAssertEqual(back.count, 5)
    }

    func testMergeEqualsRecordingEverythingInOne() {
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        for v in stride(from: 1, to: 50_000, by: 7) { a.record(UInt64(v)); all.record(UInt64(v)) }
        for v in stride(from: 100, to: 9_000_000, by: 9_973) { b.record(UInt64(v)); all.record(UInt64(v)) }
        a.merge(b)
        XCTAssertEqual(a.count, all.count)
        for p in [1.0, 50, 90, 99, 99.9] { XCTAssertEqual(a.percentile(p), all.percentile(p)) }
    }

    func testForeignLayoutIsRejectedInsteadOfTrapping() {
        let foreign = EncodedHistogram(unit: "us", lowest: 1, significantDigits: 2, buckets: [[10, 1]])
        XCTAssertNil(LatencyHistogram(foreign))
    }

    func testValuesAboveOneHourAreClampedNotLost() {
        var h = LatencyHistogram()
        h.record(10 * LatencyHistogram.highestMicros)
        XCTAssertEqual(h.count, 1)
    }
}
