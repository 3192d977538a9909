import ArgumentParser
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import LorabenchCLI
import Stats
import XCTest

/// `compare` as a nightly gate: two runs of one seeded scenario pass, a slower decode fails on TPOT and ITL.
final class CompareNoiseTests: XCTestCase {
    /// One run of the seeded embedded-simulator scenario with the given decode step and concurrency.
    func run(decode: Int, concurrency: Int = 8) async throws -> String {
        let path = try writeTempScenario("""
        {"name":"nightly","target":{"simulator":{"profile":"fast","decode_base_ms":\(decode),"seed":7}},"seed":7,
         "concurrency":\(concurrency),"duration":"4s","input_words":{"min":5,"max":8},"max_new_tokens":{"min":16,"max":16},
         "health":{"interval":"50ms","timeout":"5s"}}
        """)
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", path, "--out", out, "--quiet"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        return out
    }

    func testSameSeedPassesAndSlowerDecodeIsARegression() async throws {
        let a = try await run(decode: 12), b = try await run(decode: 12), slow = try await run(decode: 15)

        let same = await lorabench(["compare", a, b])
        print("compare same seed:\n" + same.out + same.err)
        XCTAssertEqual(same.code, LorabenchExit.ok, same.out)
        XCTAssertEqual(same.err, "")
        XCTAssertFalse(same.out.contains("REGRESSION"), same.out)
        XCTAssertTrue(same.out.contains("itl.p50"), "itl.p50 is in the default set")
        XCTAssertTrue(same.out.contains("n base/new") && same.out.contains("base 95% CI"), same.out)
        XCTAssertTrue(same.out.contains("not enough data"), "a few hundred samples cannot bound a p99: no verdict, not a guess")
        let sa = try ResultFiles.summary(at: a)
        let tpotN = sa.aggregate.metrics[.tpot]!.count
        XCTAssertTrue(same.out.contains("\(tpotN)/"), "the sample count is shown")

        let worse = await lorabench(["compare", a, slow])
        print("compare slower decode:\n" + worse.out + worse.err)
        XCTAssertEqual(worse.code, LorabenchExit.thresholdsFailed, worse.out)
        XCTAssertTrue(worse.err.hasPrefix("lorabench: regressions beyond 10% and beyond sampling noise: "), worse.err)
        XCTAssertTrue(worse.err.contains("tpot.p50") && worse.err.contains("itl.p50"), worse.err)
        let tpotLine = worse.out.split(separator: "\n").first { $0.hasPrefix("  tpot.p50 ") }.map(String.init) ?? ""
        XCTAssertTrue(tpotLine.hasSuffix("REGRESSION"), tpotLine)
        XCTAssertFalse(worse.out.contains("better"), "nothing got significantly better")

        let json = await lorabench(["compare", a, slow, "--format", "json"])
        XCTAssertEqual(json.code, LorabenchExit.thresholdsFailed)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(doc["schema"] as? String, "lorabench.compare/v1")
        XCTAssertEqual(doc["comparable"] as? Bool, true)
        let regressions = try XCTUnwrap(doc["regressions"] as? [String])
        XCTAssertTrue(regressions.contains("tpot.p50") && regressions.contains("itl.p50"), "\(regressions)")
        let lines = try XCTUnwrap(doc["metrics"] as? [[String: Any]])
        let tpot = try XCTUnwrap(lines.first { $0["metric"] as? String == "tpot.p50" })
        XCTAssertEqual(tpot["verdict"] as? String, "regression")
        XCTAssertEqual(tpot["base_count"] as? Int, Int(tpotN))
        let change = try XCTUnwrap(tpot["change_percent"] as? Double)
        XCTAssertGreaterThan(change, 15, "12 → 15 ms per token")
        let bi = try XCTUnwrap(tpot["base_interval"] as? [String: Double]), ni = try XCTUnwrap(tpot["new_interval"] as? [String: Double])
        XCTAssertLessThan(bi["upper"]!, ni["lower"]!)
        let itl = try XCTUnwrap(lines.first { $0["metric"] as? String == "itl.p50" })
        XCTAssertEqual(itl["base_independent"] as? Int, Int(tpotN), "ITL's independent units are its requests")
        let p99 = try XCTUnwrap(lines.first { $0["metric"] as? String == "ttft.p99" })
        XCTAssertEqual(p99["verdict"] as? String, "not_enough_data", "a p99 needs 563 samples")
        XCTAssertTrue(p99["base_interval"] is NSNull)

        // Several base runs pooled, and gates of their own.
        let pooled = await lorabench(["compare", a, b, slow, "--fail-on", "tpot.p50:+10%"])
        XCTAssertEqual(pooled.code, LorabenchExit.thresholdsFailed, pooled.out)
        XCTAssertEqual(pooled.err, "lorabench: regressions on a --fail-on gate, beyond sampling noise: tpot.p50\n",
                       "with a gate, only the gate fails the comparison")
        XCTAssertTrue(pooled.out.contains("  base: 2 runs, "), pooled.out)
        XCTAssertTrue(pooled.out.contains("  base: 2 runs pooled; a regression must also be worse than the worst of them"), pooled.out)
        XCTAssertTrue(pooled.out.contains("  * gated by --fail-on (only these fail the comparison): tpot.p50 +10%"), pooled.out)
        let tpotN2 = try ResultFiles.summary(at: b).aggregate.metrics[.tpot]!.count
        XCTAssertTrue(pooled.out.contains("  tpot.p50 * ") && pooled.out.contains(" \(tpotN + tpotN2)/"), "the pooled count: " + pooled.out)
        let looseGate = await lorabench(["compare", a, slow, "--fail-on", "e2e.p50:+80%"])
        XCTAssertEqual(looseGate.code, LorabenchExit.ok, "tpot regressed, but only e2e.p50 at +80% gates: " + looseGate.out)
        let wrongWay = await lorabench(["compare", a, slow, "--fail-on", "output_token_throughput:+5%"])
        XCTAssertEqual(wrongWay.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(wrongWay.err, "lorabench: --fail-on output_token_throughput:+5%: output_token_throughput is higher-is-better,"
                       + " so a regression is a decrease: write -5%\n")

        let md = await lorabench(["compare", a, slow, "--format", "markdown"])
        XCTAssertEqual(md.code, LorabenchExit.thresholdsFailed)
        XCTAssertTrue(md.out.hasPrefix("### lorabench compare: "), md.out)
        XCTAssertTrue(md.out.contains("| metric | base | new | change | n base/new | base 95% CI | new 95% CI | verdict |\n|---|"), md.out)
        let mdTPOT = md.out.split(separator: "\n").first { $0.hasPrefix("| `tpot.p50` |") }.map(String.init) ?? ""
        XCTAssertTrue(mdTPOT.hasSuffix("| **REGRESSION** |"), mdTPOT)
        let junit = await lorabench(["compare", a, slow, "--format", "junit"])
        XCTAssertEqual(junit.code, LorabenchExit.thresholdsFailed)
        let failures = junit.out.components(separatedBy: "<failure ").count - 1
        XCTAssertEqual(failures, regressions.count, "one JUnit failure per regression")
        XCTAssertTrue(junit.out.contains(#"<testcase classname="lorabench.compare" name="tpot.p50">"#), junit.out)
        XCTAssertTrue(junit.out.contains(#"<testsuites name="lorabench compare" tests=""#) && junit.out.contains(#" failures="\#(failures)">"#), junit.out)
        let parser = XMLParser(data: Data(junit.out.utf8))
        XCTAssertTrue(parser.parse(), "well-formed XML: \(String(describing: parser.parserError))")

        let fewer = try await run(decode: 12, concurrency: 4)
        let refused = await lorabench(["compare", a, fewer])
        XCTAssertEqual(refused.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(refused.out, "")
        XCTAssertEqual(refused.err, "lorabench: compare: the runs are not comparable (scenario.concurrency: 8 vs 4);"
                       + " pass --allow-mismatch to compare them anyway\n")
        let forced = await lorabench(["compare", a, fewer, "--allow-mismatch", "--metrics", "tpot.p50"])
        XCTAssertEqual(forced.code, LorabenchExit.ok, forced.out)
        XCTAssertTrue(forced.err.hasPrefix("lorabench: WARNING: comparing runs that differ (scenario.concurrency: 8 vs 4)"), forced.err)
    }
}
