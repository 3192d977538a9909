@testable import LoadGen
import Foundation
import Stats
import XCTest

/// Length distributions: seeded draws match their parameters, files and fields fail with their place.
final class LengthDistributionTests: XCTestCase {
    private func samples(_ d: LengthDistribution, _ n: Int = 20_000) -> [Int] {
        var rng = SplitMix64(seed: 11)
        return (0..<n).map { _ in d.sample(using: &rng) }
    }

    private func percentile(_ xs: [Int], _ p: Double) -> Int { xs.sorted()[Int(Double(xs.count - 1) * p)] }

    func testLognormalByPercentilesHitsItsP50AndP90() {
        let xs = samples(.lognormal(p50: 200, p90: 800, bounds: 1...100_000))
        XCTAssertEqual(Double(percentile(xs, 0.5)), 200, accuracy: 200 * 0.04)
        XCTAssertEqual(Double(percentile(xs, 0.9)), 800, accuracy: 800 * 0.05)
    }

    func testLognormalByMeanAndSigmaHitsThem() {
        let xs = samples(.lognormal(mean: 300, sd: 150, bounds: 1...100_000)).map(Double.init)
        let mean = xs.reduce(0, +) / Double(xs.count)
        let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
        XCTAssertEqual(mean, 300, accuracy: 300 * 0.02)
        XCTAssertEqual(sd, 150, accuracy: 150 * 0.05)
    }

    func testNormalClampsAndFixedAndUniform() {
        let xs = samples(.normal(mean: 50, sigma: 40, bounds: 20...70))
        XCTAssertEqual(xs.min(), 20)
        XCTAssertEqual(xs.max(), 70)
        XCTAssertEqual(Set(samples(.fixed(7), 100)), [7])
        XCTAssertEqual(Set(samples(.uniform(3...5), 1000)), [3, 4, 5])
        XCTAssertEqual(samples(.lognormal(p50: 10, p90: 20, bounds: 1...50)), samples(.lognormal(p50: 10, p90: 20, bounds: 1...50)), "same seed, same lengths")
    }

    func testEmpiricalFileWeightsAndErrorsWithLineNumbers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lendist-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("h.csv").path
        try "# length,count\n10,1\n\n20 3\n".write(toFile: good, atomically: true, encoding: .utf8)
        let s = try loadGenScenario(["workload": .object(["source": .string("random"),
                                                          "input": .object(["distribution": .string("empirical"), "file": .string(good)])])])
        XCTAssertEqual(s.workload.input, .empirical(lengths: [10, 20], cdf: [0.25, 1]))
        let xs = samples(s.promptLengths)
        XCTAssertEqual(Double(xs.filter { $0 == 20 }.count) / Double(xs.count), 0.75, accuracy: 0.015)

        let bad = dir.appendingPathComponent("bad.csv").path
        try "10,1\n20,x\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try loadGenScenario(["workload": .object(["source": .string("random"),
                                                                       "output": .object(["distribution": .string("empirical"), "file": .string(bad)])])])) {
            XCTAssertEqual(($0 as? ScenarioError)?.issues.map(\.description), [#"workload.output.file: \#(bad):2: the count must be a number of at least 0, got "x""#])
        }
    }

    func testFieldErrorsNameTheirPath() {
        func issues(_ input: JSONValue) -> [String] {
            do { _ = try loadGenScenario(["workload": .object(["source": .string("random"), "input": input])]); return [] }
            catch let e as ScenarioError { return e.issues.map(\.description) } catch { return ["\(error)"] }
        }
        XCTAssertEqual(issues(.object(["distribution": .string("lognormal"), "p50": .int(100)])), [#"workload.input.p90: required for "lognormal""#])
        XCTAssertEqual(issues(.object(["distribution": .string("lognormal"), "p50": .int(100), "p90": .int(50)])), ["workload.input.p90: must be at least p50 (100), got 50"])
        XCTAssertEqual(issues(.object(["distribution": .string("lognormal"), "p50": .int(100), "mean": .int(50)])), ["workload.input: give either mean and sigma or p50 and p90, not both"])
        XCTAssertEqual(issues(.object(["distribution": .string("lognormel")])), [#"workload.input.distribution: expected one of "fixed", "uniform", "normal", "lognormal", "empirical", got "lognormel" (did you mean "lognormal"?)"#])
        XCTAssertEqual(issues(.object(["distribution": .string("fixed"), "value": .int(0)])), ["workload.input.value: expected an integer from 1 to 100000, got 0"])
    }

    func testOutputDistributionSetsMaxNewTokensAndInputSetsWords() throws {
        let s = try loadGenScenario(["workload": .object(["source": .string("random"), "input": .object(["distribution": .string("fixed"), "value": .int(4)]),
                                                          "output": .object(["distribution": .string("fixed"), "value": .int(33)])])])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        for i in 0..<5 {
            let r = f.make(sequence: i)
            XCTAssertEqual(r.maxNewTokens, 33)
            XCTAssertEqual(r.inputWords, 4)
            XCTAssertEqual(String(decoding: r.body, as: UTF8.self).split(separator: "\"")[3].split(separator: " ").count, 4)
        }
    }
}
