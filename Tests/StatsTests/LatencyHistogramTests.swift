import Histogram
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

    /// Values spread over the whole range (1 µs … past one hour), with repeats: a fixed seed, so failures reproduce.
    private func samples(_ n: Int, seed: UInt64) -> [(UInt64, UInt64)] {
        var x = seed
        func next() -> UInt64 { x = x &* 6364136223846793005 &+ 1442695040888963407; return x >> 11 }
        return (0..<n).map { _ in
            let magnitude = next() % 33  // up to 2^32 µs, past the one-hour clamp
            return (1 + next() % (UInt64(1) << magnitude), 1 + next() % 3)
        }
    }

    /// The library's own figures for the same samples (autoResize, its unspecialised getters).
    private func reference(_ values: [(UInt64, UInt64)]) -> Histogram<UInt64> {
        var ref = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        for (v, c) in values { ref.record(Swift.min(v, LatencyHistogram.highestMicros), count: c) }
        return ref
    }

    func testOneWalkGivesTheLibrarysPercentilesMeanAndDeviationExactly() {
        let ps = [0.0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100]
        for seed: UInt64 in [1, 2, 3, 42] {
            for n in [1, 2, 7, 500] {
                let values = samples(n, seed: seed)
                var h = LatencyHistogram()
                for (v, c) in values { h.record(v, count: c) }
                let ref = reference(values)
                let s = h.statistics(at: ps)
                XCTAssertEqual(s.percentiles, ps.map { ref.valueAtPercentile($0) }, "seed \(seed), n \(n)")
                XCTAssertEqual(s.mean, ref.mean, "seed \(seed), n \(n)")  // bit for bit, not within a tolerance
                XCTAssertEqual(s.stdDeviation, ref.stdDeviation, "seed \(seed), n \(n)")
                XCTAssertEqual(h.percentile(99), ref.valueAtPercentile(99))
                XCTAssertEqual(h.statistics(at: [50], moments: false).mean, 0)
            }
        }
        let none = LatencyHistogram().statistics(at: [50])
        XCTAssertEqual([none.percentiles, [UInt64(none.mean), UInt64(none.stdDeviation)]], [[0], [0, 0]])
    }

    func testGrowingItsOwnLayoutKeepsEveryCount() {
        // Ascending values make the layout grow at each new power of two; the counts must be the library's.
        var h = LatencyHistogram()
        var values: [(UInt64, UInt64)] = []
        var v: UInt64 = 1
        while v < 4 * LatencyHistogram.highestMicros { values.append((v, 2)); values.append((v + 1, 1)); v = v * 3 / 2 + 1 }
        for (v, c) in values { h.record(v, count: c) }
        let ref = reference(values)
        XCTAssertEqual(h.histogram, ref)
        XCTAssertEqual(h.count, ref.totalCount)
        XCTAssertEqual(h.histogram.max, ref.max)
        XCTAssertEqual(h.histogram.min, ref.min)
        XCTAssertEqual(h.encoded.buckets, ref.recordedValues().map { [$0.value, UInt64($0.count)] })
    }

    func testMergeIntoASmallerLayoutIsExact() {
        let small = samples(200, seed: 7).map { ($0.0 % 5000 + 1, $0.1) }, large = samples(200, seed: 8)
        var a = LatencyHistogram(), b = LatencyHistogram()
        for (v, c) in small { a.record(v, count: c) }
        for (v, c) in large { b.record(v, count: c) }
        var ab = a
        ab.merge(b)
        var ba = b
        ba.merge(a)
        let ref = reference(small + large)
        XCTAssertEqual(ab.histogram, ref)
        XCTAssertEqual(ba.histogram, ref)
        XCTAssertEqual(ab.statistics(at: [50, 99.9]), ba.statistics(at: [50, 99.9]))
        XCTAssertEqual(ab.statistics(at: [50]).mean, ref.mean)
        var empty = LatencyHistogram()
        empty.merge(LatencyHistogram())
        XCTAssertEqual(empty.count, 0)
        empty.merge(b)
        XCTAssertEqual(empty, b)
    }

    func testIntervalRowTakesBothPercentilesFromTheLibrarysRule() {
        var interval = IntervalSnapshot()
        XCTAssertEqual(interval.csvRow(second: 1), ["1", "0", "0", "0", "", "", "0"])
        var ref = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        for (i, t) in [12_345, 20_000, 31_999, 45_001, 250_000].enumerated() {
            var r = RequestRecord(sequence: i, vu: 0, adapter: "a", cold: false, intendedMicros: 0, sentMicros: 0,
                                  firstTokenMicros: UInt64(t), endMicros: UInt64(t) + 1, inputWords: 1, maxNewTokens: 1, status: 200)
            r.outputTokens = 2
            interval.add(r)
            ref.record(UInt64(t))
        }
        let row = interval.csvRow(second: 2)
        XCTAssertEqual(row[4], RequestsCSV.msText(ref.valueAtPercentile(50)))
        XCTAssertEqual(row[5], RequestsCSV.msText(ref.valueAtPercentile(95)))
        XCTAssertEqual(row[5], "250.000")  // the top sample, clamped to the exact maximum
    }
}
