@testable import LoadGen
import XCTest

/// The k6-style split of a run into disjoint segments: shares that add up to the whole at every moment, arrivals
/// and sequence numbers that belong to exactly one segment, seeds of their own.
final class ExecutionSegmentTests: XCTestCase {
    let t0: UInt64 = 1_000_000

    func seg(_ i: Int, _ n: Int) -> ExecutionSegment { try! ExecutionSegment(index: i, count: n) }

    func testTenVUsOverThreeAreFourThreeThreeByStriping() {
        XCTAssertEqual((0..<3).map { seg($0, 3).share(of: 10) }, [4, 3, 3])
        XCTAssertEqual((0..<10).filter { seg(0, 3).owns($0) }, [0, 3, 6, 9])
        XCTAssertEqual((0..<3).map { seg(1, 3).global($0) }, [1, 4, 7])
        XCTAssertEqual((0..<4).map { seg($0, 4).share(of: 2) }, [1, 1, 0, 0])
        XCTAssertEqual(ExecutionSegment.whole.share(of: 7), 7)
        XCTAssertEqual(ExecutionSegment.whole.global(5), 5)
    }

    func testSharesAddUpAndNeverShrinkAsTheWholeGrows() {
        for n in [1, 2, 3, 5, 7, 16] {
            let segments = try! ExecutionSegment.all(count: n)
            var previous = [Int](repeating: 0, count: n)
            for total in 0...200 {
                let shares = segments.map { $0.share(of: total) }
                XCTAssertEqual(shares.reduce(0, +), total, "\(n) segments, \(total) VUs")
                XCTAssertEqual(shares.max()! - shares.min()!, total == 0 ? 0 : (total % n == 0 ? 0 : 1), "as even as can be")
                for i in 0..<n { XCTAssertTrue(shares[i] - previous[i] == 0 || shares[i] - previous[i] == 1) }
                // The share is exactly the global numbers below `total` that the segment owns.
                for i in 0..<n { XCTAssertEqual(shares[i], (0..<total).filter { segments[i].owns($0) }.count) }
                previous = shares
            }
        }
    }

    func testGlobalNumbersAreDisjointAndCoverEverything() {
        let n = 3
        var seen: [Int: Int] = [:]
        for i in 0..<n { for k in 0..<100 { seen[seg(i, n).global(k), default: 0] += 1 } }
        XCTAssertEqual(seen.count, 300)
        XCTAssertEqual(Set(seen.keys), Set(0..<300))
        XCTAssertTrue(seen.values.allSatisfy { $0 == 1 })
    }

    func testParsingAndClearErrors() throws {
        XCTAssertEqual(try ExecutionSegment(parsing: "2/3"), seg(2, 3))
        XCTAssertEqual(try ExecutionSegment(parsing: "0/1"), .whole)
        XCTAssertEqual(seg(2, 3).description, "2/3")
        func message(_ text: String) -> String {
            do { _ = try ExecutionSegment(parsing: text); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("3/3"), "segment index 3 is out of range for 3 segments (0 to 2; indexes start at 0, as JOB_COMPLETION_INDEX does)")
        XCTAssertEqual(message("-1/3"), "segment index -1 is out of range for 3 segments (0 to 2; indexes start at 0, as JOB_COMPLETION_INDEX does)")
        XCTAssertEqual(message("0/0"), "segment count 0 is out of range (1 to 10000)")
        XCTAssertEqual(message("1"), "segment \"1\" is not of the form i/n (e.g. 0/3 for the first of three)")
        XCTAssertEqual(message("a/3"), "segment \"a/3\" is not of the form i/n (e.g. 0/3 for the first of three)")
        XCTAssertEqual(message("1/2/3"), "segment \"1/2/3\" is not of the form i/n (e.g. 0/3 for the first of three)")
    }

    func testSeedsDifferPerSegmentAndTheWholeKeepsItsOwn() {
        XCTAssertEqual(ExecutionSegment.whole.seed(42), 42)
        let seeds = (0..<3).map { seg($0, 3).seed(42) }
        XCTAssertEqual(Set(seeds).count, 3)
        XCTAssertFalse(seeds.contains(42))
        XCTAssertEqual(seeds, (0..<3).map { seg($0, 3).seed(42) }, "reproducible")
        XCTAssertNotEqual(seg(0, 3).seed(42), seg(0, 4).seed(42), "a different split is a different stream")
    }

    /// Every arrival of the whole schedule (Poisson gaps under a ramp) is in exactly one segment, at the same time.
    func testArrivalsArePartitionedAtTheWholeSchedulesTimes() {
        let load = Scenario.Load.rampingArrivalRate(startRate: 5, timeUnit: .seconds(1),
                                                    stages: [.init(duration: .seconds(4), target: 60), .init(duration: .seconds(3), target: 0)],
                                                    preAllocatedVUs: 1, maxVUs: 10)
        for arrival in [Scenario.Arrival.uniform, .poisson, .gamma(burstiness: 0.5)] {
            var whole = ArrivalPacer(load: load, arrival: arrival, seed: 7)
            var all: [UInt64] = []
            while let t = whole.next() { all.append(t) }
            XCTAssertGreaterThan(all.count, 150)
            var union: [(UInt64, Int)] = []
            var counts: [Int] = []
            for i in 0..<3 {
                var s = SegmentArrivals(pacer: ArrivalPacer(load: load, arrival: arrival, seed: 7), segment: seg(i, 3))
                var mine = 0
                while let t = s.next() { union.append((t, i)); mine += 1 }
                counts.append(mine)
                XCTAssertEqual(s.drawn, all.count)
            }
            XCTAssertEqual(union.map(\.0).sorted(), all.sorted(), "\(arrival): the union is the whole schedule")
            XCTAssertEqual(counts, (0..<3).map { seg($0, 3).share(of: all.count) })
        }
    }

    /// A ramp of closed VUs split three ways: at every tick the segments' VUs add up to the single run's, and they
    /// are the same global VU numbers.
    func testRampingVUsSplitAddsUpAtEveryTick() {
        let load = Scenario.Load.rampingVUs(startVUs: 1, stages: [.init(duration: .seconds(1), target: 10), .init(duration: .seconds(1), target: 2)])
        func run(_ segment: ExecutionSegment) -> [(UInt64, Set<Int>)] {
            let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
            let ex = VUExecutor(sender: sender, wakes: wakes, clock: clock, load: load, thinkTime: .milliseconds(10), segment: segment)
            ex.start(at: t0) {}
            var busy: [(UInt64, Set<Int>)] = []
            var t = t0
            while t < t0 + 2_000_000 {
                t += 20_000
                sender.completeAll()
                wakes.advance(to: t)
                // VUs that sent in the last tick are the active ones.
                busy.append((t, Set(sender.open.map { sender.sent[$0].vu })))
            }
            return busy
        }
        let single = run(.whole)
        let parts = (0..<3).map { run(seg($0, 3)) }
        XCTAssertEqual(single.count, parts[0].count)
        var checked = 0
        for (k, (t, vus)) in single.enumerated() {
            let union = parts.map { $0[k].1 }
            XCTAssertTrue(union[0].isDisjoint(with: union[1]) && union[1].isDisjoint(with: union[2]) && union[0].isDisjoint(with: union[2]))
            XCTAssertEqual(union.reduce(Set<Int>()) { $0.union($1) }, vus, "t=\(t - t0) µs")
            for i in 0..<3 { XCTAssertTrue(union[i].allSatisfy { seg(i, 3).owns($0) }) }
            if vus.count > 3 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 50)
        XCTAssertEqual(single.map(\.1.count).max(), 10)
    }

    /// Open model: each segment's slots are its share of max_vus, numbered as the whole run's.
    func testArrivalExecutorSendsOnlyItsArrivalsOnItsSlots() {
        let load = Scenario.Load.constantArrivalRate(rate: 30, timeUnit: .seconds(1), duration: .seconds(1), preAllocatedVUs: 10, maxVUs: 10)
        var intended: [UInt64] = []
        var vus: [Int] = []
        for i in 0..<3 {
            let clock = ManualClock(startMicros: t0), wakes = ManualWakes(clock: clock), sender = RecordingSender()
            let ex = ArrivalExecutor(sender: sender, wakes: wakes, clock: clock, load: load, arrival: .uniform, maxQueue: 0, seed: 1,
                                     segment: seg(i, 3))
            ex.start(at: t0) {}
            var t = t0
            while t < t0 + 1_000_000 { t += 1000; wakes.advance(to: t); sender.completeAll() }
            XCTAssertEqual(ex.dropped, 0)
            XCTAssertEqual(sender.sent.count, 10, "segment \(i): 30 arrivals over 3")
            intended += sender.sent.map(\.intended)
            vus += sender.sent.map(\.vu)
            XCTAssertTrue(sender.sent.allSatisfy { seg(i, 3).owns($0.vu) }, "slot numbers are the segment's own")
        }
        var whole = ArrivalPacer(load: load, arrival: .uniform, seed: 1)
        var expected: [UInt64] = []
        while let t = whole.next() { expected.append(t0 + t) }
        XCTAssertEqual(intended.sorted(), expected, "the segments together send the whole schedule, each arrival once")
        XCTAssertEqual(Set(vus).count, 3, "one slot each suffices at 10/s with instant completions")
    }
}
