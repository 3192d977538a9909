import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// Arrival-rate executors measured honestly: requested vs achieved, dropped, and waiting counted from the intended start.
final class OpenModelTests: XCTestCase {
    func testAchievedRateMatchesRequestedWhenTheServerKeepsUp() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        let s = try h.scenario(["rate": .int(50), "duration": .string("4s"), "max_vus": .int(50),
                                "max_new_tokens": .object(["min": .int(5), "max": .int(10)])])
        let out = try await h.run(s)
        await h.stop()
        let sum = out.summary
        XCTAssertEqual(sum.run.requestedRate, 50)
        XCTAssertEqual(sum.requests.dropped, 0)
        XCTAssertEqual(sum.throughput.achievedRate, 50, accuracy: 1.0, "within 2% of the requested rate")
        XCTAssertEqual(sum.requests.succeeded, 200)
        XCTAssertLessThan(sum.metrics["schedule_lag"]!.p99, 5, "the generator kept to its schedule")
    }

    func testPoissonArrivalsAreExponentiallySpaced() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        let s = try h.scenario(["rate": .int(100), "duration": .string("5s"), "max_vus": .int(100), "arrival": .string("poisson"),
                                "max_new_tokens": .object(["min": .int(2), "max": .int(4)])])
        let out = try await h.run(s)
        await h.stop()
        let intended = try readRequestsCSV(out.directory).compactMap { Double($0["intended_ms"]!) }.sorted()
        XCTAssertGreaterThan(intended.count, 350)
        let gaps = zip(intended.dropFirst(), intended).map { $0 - $1 }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count - 1)).squareRoot()
        XCTAssertEqual(mean, 10, accuracy: 1.5, "mean gap of a 100/s process")
        XCTAssertEqual(sd / mean, 1, accuracy: 0.2, "exponential gaps have a coefficient of variation of 1")
        // Index of dispersion of counts per 100 ms window is 1 for a Poisson process.
        var counts = [Int](repeating: 0, count: 50)
        for t in intended where t >= 0 && t < 5000 { counts[Int(t / 100)] += 1 }
        let cm = Double(counts.reduce(0, +)) / 50
        let cv = counts.map { (Double($0) - cm) * (Double($0) - cm) }.reduce(0, +) / 49
        XCTAssertEqual(cv / cm, 1, accuracy: 0.5)
    }

    func testOverloadShowsInIntendedLatencyAndDropsWhenTheQueueIsFull() async throws {
        // Capacity: 4 sequences per batch, ~20 ms per token, 20 tokens → about 10 requests/s; offered 40/s.
        let settings = #"{"profile":"fast","max_batch_size":4,"decode_base_ms":20,"max_concurrent_requests":1000}"#
        let h = try await SimHarness.start(settings)
        let s = try h.scenario(["rate": .int(40), "duration": .string("3s"), "max_vus": .int(4), "max_queue": .int(30),
                                "graceful_stop": .string("30s"),
                                "max_new_tokens": .object(["min": .int(20), "max": .int(20)])])
        let out = try await h.run(s)
        await h.stop()
        let m = out.summary.metrics
        XCTAssertGreaterThan(out.summary.requests.dropped, 20, "arrivals beyond max_vus + max_queue are dropped")
        XCTAssertLessThan(m["ttft"]!.p95, 150, "from the send, TTFT stays bounded: only 4 in flight")
        XCTAssertGreaterThan(m["ttft_intended"]!.p95, 1000, "from the intended start, the client-side wait shows")
        XCTAssertGreaterThan(m["schedule_lag"]!.p95, 1000)
        XCTAssertLessThan(out.summary.throughput.achievedRate, 30)
    }
}
