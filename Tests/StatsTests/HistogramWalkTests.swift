import Histogram
@testable import Stats
import XCTest

/// The counts-array walk (`HistogramCounts`) against the library's own `recordedValues()`: same buckets, same
/// statistics bit for bit, for histograms recorded, grown, merged and read back from summary.json's form; and the
/// shared empty layouts (`HistogramLayouts`) never carry one histogram's counts into another.
final class HistogramWalkTests: XCTestCase {
    /// Values over the whole range (1 µs … past the one-hour clamp) with repeats, from a fixed seed.
    private func histogram(_ n: Int, seed: UInt64, maxMagnitude: UInt64 = 33) -> LatencyHistogram {
        var x = seed
        func next() -> UInt64 { x = x &* 6364136223846793005 &+ 1442695040888963407; return x >> 11 }
        var h = LatencyHistogram()
        for _ in 0..<n { h.record(1 + next() % (UInt64(1) << (next() % maxMagnitude)), count: 1 + next() % 3) }
        return h
    }

    private func walk(_ h: LatencyHistogram, libraryWalk: Bool) -> [[UInt64]] {
        var out: [[UInt64]] = []
        h.forEachRecorded(libraryWalk: libraryWalk) { value, count, countToHere in
            out.append([value, count, countToHere])
            return true
        }
        return out
    }

    func testTheLibraryHandsOverItsCountsArray() throws {
        // If hdrhistogram-swift stops encoding its counts, the walks fall back to recordedValues(): correct, but
        // ~30x slower. This fails so that it is noticed.
        var h = LatencyHistogram()
        h.record(1500)
        let c = try XCTUnwrap(HistogramCounts(h.histogram))
        XCTAssertEqual(c.subBucketHalfCountMagnitude, 10)  // 3 significant digits: 2048 sub-buckets
        XCTAssertEqual(c.unitMagnitude, 0)  // lowest discernible value 1 µs
        XCTAssertEqual(c.counts.reduce(0, +), 1)
        XCTAssertEqual(c.lowestValue(at: 1500), 1500)
        XCTAssertEqual(c.lowestValue(at: 2048), 2048)
        XCTAssertEqual(c.lowestValue(at: 2049), 2050)  // second bucket: steps of 2
    }

    func testCountsWalkReportsWhatRecordedValuesReports() {
        for seed: UInt64 in [1, 2, 3, 42, 7777] {
            for n in [1, 2, 9, 300, 3000] {
                let h = histogram(n, seed: seed)
                let fast = walk(h, libraryWalk: false), library = walk(h, libraryWalk: true)
                XCTAssertEqual(fast, library, "seed \(seed), n \(n)")
                XCTAssertEqual(fast.last?[2], h.count)
                XCTAssertEqual(h.encoded(libraryWalk: false), h.encoded(libraryWalk: true))
            }
        }
        XCTAssertEqual(walk(LatencyHistogram(), libraryWalk: false), [])
        XCTAssertEqual(LatencyHistogram().encoded.buckets, [])
    }

    func testStatisticsAreBitForBitTheLibraryWalks() {
        let ps = [0.0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100]
        for seed: UInt64 in [1, 5, 99] {
            for n in [1, 3, 50, 2000] {
                for maxMagnitude: UInt64 in [8, 20, 33] {
                    let h = histogram(n, seed: seed, maxMagnitude: maxMagnitude)
                    let fast = h.statistics(at: ps, moments: true, libraryWalk: false)
                    let library = h.statistics(at: ps, moments: true, libraryWalk: true)
                    XCTAssertEqual(fast.percentiles, library.percentiles)
                    XCTAssertEqual(fast.mean.bitPattern, library.mean.bitPattern)
                    XCTAssertEqual(fast.stdDeviation.bitPattern, library.stdDeviation.bitPattern)
                    XCTAssertEqual(h.statistics(at: [50, 95], moments: false, libraryWalk: false),
                                   h.statistics(at: [50, 95], moments: false, libraryWalk: true))
                    XCTAssertEqual(h.percentile(50), h.histogram.valueAtPercentile(50))
                }
            }
        }
    }

    func testMergedAndDecodedHistogramsWalkTheSame() throws {
        var merged = histogram(100, seed: 3, maxMagnitude: 12)  // small layout, grown by the merge
        merged.merge(histogram(400, seed: 4))
        XCTAssertEqual(walk(merged, libraryWalk: false), walk(merged, libraryWalk: true))
        let back = try XCTUnwrap(LatencyHistogram(merged.encoded))
        XCTAssertEqual(walk(back, libraryWalk: false), walk(back, libraryWalk: true))
        XCTAssertEqual(back.encoded, merged.encoded)
    }

    func testWalkStopsWhenAsked() {
        let h = histogram(500, seed: 11)
        var seen = 0
        h.forEachRecorded { _, _, _ in
            seen += 1
            return seen < 3
        }
        XCTAssertEqual(seen, 3)
    }

    func testSharedEmptyLayoutsAreNeverWrittenThrough() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        a.record(100)
        a.record(5_000_000)  // grown into a larger shared layout
        var c = LatencyHistogram()
        c.record(6_000_000)  // the same larger layout, from its template
        XCTAssertEqual(b.count, 0)
        XCTAssertEqual(walk(b, libraryWalk: false), [])
        XCTAssertEqual(LatencyHistogram().count, 0)
        XCTAssertEqual(HistogramLayouts.shared.empty(below: 8_388_608).totalCount, 0)
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(c.count, 1)
        XCTAssertEqual(c.percentile(50), c.histogram.valueAtPercentile(50))
        b.merge(a)
        XCTAssertEqual(b, a)
    }
}
