@testable import LoadGen
import XCTest

/// The open model's arrival maths from a table of cases: no clock, no sleeping.
final class ArrivalPacerTests: XCTestCase {
    func rate(_ r: Double, for d: Duration) -> Scenario.Load {
        .constantArrivalRate(rate: r, timeUnit: .seconds(1), duration: d, preAllocatedVUs: 1, maxVUs: 1)
    }

    func ramp(from start: Double, _ stages: [(Duration, Double)]) -> Scenario.Load {
        .rampingArrivalRate(startRate: start, timeUnit: .seconds(1), stages: stages.map { .init(duration: $0.0, target: $0.1) },
                            preAllocatedVUs: 1, maxVUs: 1)
    }

    /// Every arrival's offset in microseconds until the schedule ends.
    func offsets(_ load: Scenario.Load, _ arrival: Scenario.Arrival = .uniform, seed: UInt64 = 1, limit: Int = 1_000_000) -> [UInt64] {
        var p = ArrivalPacer(load: load, arrival: arrival, seed: seed)
        var out: [UInt64] = []
        while out.count < limit, let t = p.next() { out.append(t) }
        return out
    }

    func testUniformScheduleTable() {
        let cases: [(String, Scenario.Load, [UInt64])] = [
            ("10/s for 1 s: ten arrivals 100 ms apart, the first at 0, none at the end", rate(10, for: .seconds(1)),
             (0..<10).map { UInt64($0) * 100_000 }),
            ("2 per 500 ms time unit is 4/s", .constantArrivalRate(rate: 2, timeUnit: .milliseconds(500), duration: .seconds(1),
                                                                    preAllocatedVUs: 1, maxVUs: 1), [0, 250_000, 500_000, 750_000]),
            ("a ramp from 0 to 4/s over 1 s holds 2 arrivals, at √(n/2) s", ramp(from: 0, [(.seconds(1), 4)]), [707_107]),
            ("0/s then a jump to 10/s: nothing while the rate is zero", ramp(from: 0, [(.seconds(1), 0), (.zero, 10), (.milliseconds(300), 10)]),
             [1_100_000, 1_200_000]),
            ("a zero rate sends nothing", rate(0, for: .seconds(5)), []),
        ]
        for (name, load, expected) in cases {
            XCTAssertEqual(offsets(load), expected, name)
        }
    }

    func testRampingRateFollowsTheIntegral() {
        // 0 → 100/s over 10 s then 100/s for 10 s: 500 + 1000 arrivals, denser as the rate rises.
        let t = offsets(ramp(from: 0, [(.seconds(10), 100), (.seconds(10), 100)]))
        XCTAssertEqual(t.count, 1499, "the 1500th lands exactly on the end, which is excluded")
        XCTAssertEqual(t.filter { $0 <= 5_000_000 }.count, 125, "a quarter of the ramp area lies in its first half, the 125th on 5 s exactly")
        let lastGaps = zip(t.suffix(10), t.suffix(9)).map { $1 - $0 }
        XCTAssertTrue(lastGaps.allSatisfy { (9_999...10_001).contains($0) }, "\(lastGaps)")
    }

    func testPoissonAndGammaDispersionFromSeededDraws() {
        let cases: [(Scenario.Arrival, ClosedRange<Double>)] = [
            (.uniform, 0...0.001),
            (.poisson, 0.95...1.05),
            (.gamma(burstiness: 1), 0.95...1.05),
            (.gamma(burstiness: 0.25), 1.85...2.15),  // CV of gamma gaps is 1/√shape
            (.gamma(burstiness: 4), 0.45...0.55),
        ]
        for (arrival, cvRange) in cases {
            let t = offsets(rate(100, for: .seconds(200)), arrival, seed: 7)
            XCTAssertEqual(Double(t.count), 20_000, accuracy: 600, "\(arrival): about rate × duration arrivals")
            let gaps = zip(t, t.dropFirst()).map { Double($1 - $0) }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
            XCTAssertEqual(mean, 10_000, accuracy: 300, "\(arrival): mean gap is 1/rate")
            XCTAssertTrue(cvRange.contains(sd / mean), "\(arrival): coefficient of variation \(sd / mean)")
        }
    }

    func testSameSeedSameArrivalsDifferentSeedDifferent() {
        let a = offsets(rate(50, for: .seconds(2)), .poisson, seed: 3)
        XCTAssertEqual(a, offsets(rate(50, for: .seconds(2)), .poisson, seed: 3))
        XCTAssertNotEqual(a, offsets(rate(50, for: .seconds(2)), .poisson, seed: 4))
    }

    func testStageLabelsAndValues() {
        let s = StageSchedule(start: 0, stages: [.init(duration: .seconds(2), target: 10), .init(duration: .seconds(1), target: 10)])
        XCTAssertEqual(s.totalMicros, 3_000_000)
        XCTAssertEqual(s.value(atElapsed: 1_000_000), 5)
        XCTAssertEqual(s.value(atElapsed: 9_000_000), 10, "after the end: the last target")
        XCTAssertEqual([0, 1_999_999, 2_000_000, 5_000_000].map { s.stage(atElapsed: $0) }, [0, 0, 1, 1])
        XCTAssertEqual(s.elapsed(atIntegral: 10), 2_000_000, "area of the ramp")
        XCTAssertNil(s.elapsed(atIntegral: 20), "the end itself is outside the window")
    }
}
