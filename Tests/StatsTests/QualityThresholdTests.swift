import Foundation
@testable import Stats
import XCTest

/// Thresholds on the quality section: parsing with clear errors, and the numbers they read.
final class QualityThresholdTests: XCTestCase {
    func row(_ adapter: String, _ task: String, scored: Int, sum: Double, mismatches: Int = 0) -> QualitySummary.Row {
        var r = QualitySummary.Row(adapter: adapter, task: task, metric: "accuracy")
        r.requests = scored + mismatches; r.scored = scored; r.scoreSum = sum; r.exact = Int(sum); r.failed = mismatches
        r.adapterMismatches = mismatches
        return r
    }

    func testParsingAcceptsFiltersAndNamesWhatIsWrong() throws {
        XCTAssertEqual(try QualityThreshold.parse("quality{task:glue_sst2}.accuracy"), QualityThreshold(task: "glue_sst2", adapter: nil, statistic: "accuracy"))
        XCTAssertEqual(try QualityThreshold.parse("quality{adapter:org/a, task:x}.score"), QualityThreshold(task: "x", adapter: "org/a", statistic: "score"))
        XCTAssertEqual(try QualityThreshold.parse("quality{adapter:}.score")?.adapter, "")
        XCTAssertEqual(try QualityThreshold.parse("quality.canaries_diverged")?.statistic, "canaries_diverged")
        XCTAssertNil(try QualityThreshold.parse("ttft.p95"))
        func message(_ m: String) -> String { do { _ = try Threshold.parse(metric: m, expression: "> 1"); return "ok" } catch { return "\(error)" } }
        XCTAssertEqual(message("quality{task:x}.acc"), "\"quality{task:x}.acc\": unknown statistic \"acc\"; expected one of accuracy, score, scored, failed, exact, adapter_mismatches, canaries_diverged, identity_mismatches")
        XCTAssertEqual(message("quality{tsk:x}.accuracy"), "\"quality{tsk:x}.accuracy\": expected filters like {task:glue_sst2} or {adapter:org/a,task:x}, got \"tsk:x\"")
        XCTAssertEqual(message("quality{task:x.accuracy"), "\"quality{task:x.accuracy\": unclosed \"{\"")
        XCTAssertEqual(message("quality{task:x}.canaries_diverged"), "\"quality{task:x}.canaries_diverged\": canaries_diverged is a whole-run number; write quality.canaries_diverged")
        XCTAssertEqual(try Threshold.parse(metric: "quality{task:x}.accuracy", expression: "> 0.9").expression, "> 0.9")
    }

    func testActualsComeFromTheQualityRows() throws {
        let run = RunSummary.Run(scenarioName: "q", executor: "constant-vus", target: "t", api: "lorax", lorabenchVersion: "0", host: "h",
                                 startedAt: "", endedAt: "", windowSeconds: 1, interrupted: false, requestedRate: nil)
        var s = RunSummary(run: run, scenario: .null, slo: SLO(), aggregate: Aggregate())
        let t = try Threshold.parse(metric: "quality{task:sst2}.accuracy", expression: "> 0.9")
        XCTAssertNil(t.actual(in: s), "no quality section: no data")
        XCTAssertFalse(t.evaluate(s).passed)
        var identity = QualitySummary.Identity()
        identity.mismatched = 3
        s.quality = QualitySummary(rows: [row("org/a", "sst2", scored: 100, sum: 95), row("", "sst2", scored: 50, sum: 20, mismatches: 2),
                                          row("org/b", "nli", scored: 0, sum: 0)], identity: identity, canaries: nil)
        XCTAssertEqual(t.actual(in: s), 115.0 / 150.0)
        XCTAssertFalse(t.evaluate(s).passed)
        XCTAssertEqual(try Threshold.parse(metric: "quality{task:sst2,adapter:org/a}.accuracy", expression: "> 0.9").evaluate(s).passed, true)
        XCTAssertEqual(try Threshold.parse(metric: "quality{adapter:}.score", expression: "> 0").actual(in: s), 0.4)
        XCTAssertEqual(try Threshold.parse(metric: "quality.adapter_mismatches", expression: "== 0").actual(in: s), 2)
        XCTAssertEqual(try Threshold.parse(metric: "quality.identity_mismatches", expression: "== 0").actual(in: s), 3)
        XCTAssertNil(try Threshold.parse(metric: "quality{task:nli}.accuracy", expression: "> 0").actual(in: s), "nothing scored")
        XCTAssertNil(try Threshold.parse(metric: "quality{task:nope}.accuracy", expression: "> 0").actual(in: s), "no such task")
        XCTAssertNil(try Threshold.parse(metric: "quality.canaries_diverged", expression: "== 0").actual(in: s), "no canaries")
    }
}
