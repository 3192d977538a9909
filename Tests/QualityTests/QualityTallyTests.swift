import Stats
import XCTest
@testable import Quality

/// The tally on hand-made records: what is scored, what is only counted, identity, canaries and their prefix rule.
final class QualityTallyTests: XCTestCase {
    let task: EvalTask = {
        let items = ["billing", "shipping", "account"].enumerated().map { EvalTask.Item(prompt: "p\($0.offset)", reference: $0.element, line: $0.offset + 1) }
        let meta = TaskMetadata(dataPath: "d", promptTemplate: "{x}", targetColumn: "y", metric: .firstLabel, splitColumn: nil, splitValue: nil,
                                labels: nil, numericScale: nil)
        return EvalTask(name: "route", folder: "route", metadata: meta, items: items, labels: ["billing", "shipping", "account"])
    }()

    func record(_ seq: Int, text: String?, adapter: String = "org/a", served: String? = "org/a", error: ErrorClass? = nil, stage: Int = 0) -> RequestRecord {
        var r = RequestRecord(sequence: seq, vu: 0, adapter: adapter, cold: false, intendedMicros: 0, sentMicros: 0, endMicros: 1, inputWords: 1,
                              maxNewTokens: 4, status: 200, errorClass: error)
        r.generatedText = text
        r.servedAdapter = served
        r.stage = stage
        return r
    }

    func testScoresFailuresNoLabelIdentityAndStages() {
        let plan = TaskPlan(bindings: [.init(task: task, adapter: "org/a")], seed: nil, canaries: nil)
        let t = QualityTally(plan: plan)
        XCTAssertEqual(t.add(record(0, text: "Billing."), pick: plan.pick(sequence: 0)).score, 1)
        XCTAssertEqual(t.add(record(1, text: "it is account", stage: 1), pick: plan.pick(sequence: 1)).score, 0)
        XCTAssertEqual(t.add(record(2, text: "no idea", served: nil, stage: 1), pick: plan.pick(sequence: 2)).score, 0)
        XCTAssertNil(t.add(record(3, text: "billing", served: "org/b", error: .adapterMismatch), pick: plan.pick(sequence: 3)).score)
        XCTAssertNil(t.add(record(4, text: nil, served: nil, error: .stream), pick: plan.pick(sequence: 4)).score)
        let q = t.summary
        XCTAssertEqual(q.rows.count, 1)
        let r = q.rows[0]
        XCTAssertEqual([r.requests, r.scored, r.failed, r.exact, r.noLabel, r.adapterMismatches], [5, 3, 2, 1, 1, 1])
        XCTAssertEqual(r.score!, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(q.identity, { var i = QualitySummary.Identity(); i.confirmed = 2; i.mismatched = 1; i.unstated = 2; return i }())
        XCTAssertEqual(q.byStage?.map(\.stage), [0, 1])
        XCTAssertEqual(q.byStage?.map(\.requests), [3, 2])
        XCTAssertEqual(q.byStage?.map(\.exact), [1, 0])
        XCTAssertEqual(QualityCSV.text(q), """
            adapter,task,metric,requests,scored,failed,score,exact,no_label,adapter_mismatches,stage
            org/a,route,first_label,5,3,2,0.333333,1,1,1,
            org/a,route,first_label,3,1,2,1.000000,1,0,1,0
            org/a,route,first_label,2,2,0,0.000000,0,1,0,1

            """)
    }

    func testCanariesCompareWithTheirIdleAnswersUnderThePrefixRule() {
        let plan = TaskPlan(bindings: [.init(task: task, adapter: "org/a")], seed: nil, canaries: .init(prompts: 2, every: 2, requiredPrefix: 5))
        let t = QualityTally(plan: plan)
        t.baseline(binding: 0, item: 0, answer: "billing dept")
        t.baseline(binding: 0, item: 1, answer: nil)  // its idle request failed
        XCTAssertTrue(plan.pick(sequence: 1).canary)
        XCTAssertEqual(plan.pick(sequence: 1).item, 0)
        XCTAssertEqual(t.add(record(1, text: "billing team"), pick: plan.pick(sequence: 1)).canaryMatched, true)  // 8 ≥ 5 characters kept
        XCTAssertEqual(t.add(record(5, text: "bill"), pick: plan.pick(sequence: 5)).canaryMatched, false)
        XCTAssertNil(t.add(record(3, text: "shipping"), pick: plan.pick(sequence: 3)).canaryMatched, "no idle answer for prompt 1")
        XCTAssertNil(t.add(record(7, text: nil, error: .timeout), pick: plan.pick(sequence: 7)).canaryMatched)
        let c = t.summary.canaries!
        XCTAssertEqual([c.prompts, c.baselines, c.resent, c.compared, c.matched, c.diverged], [2, 1, 4, 2, 1, 1])
        XCTAssertEqual(c.examples, [QualitySummary.Divergence(adapter: "org/a", prompt: "p0", baseline: "billing dept", answer: "bill",
                                                              divergesAt: 4, servedAdapter: "org/a", requestId: nil)])
        XCTAssertEqual(t.summary.rows[0].requests, 0, "canaries are not scored")
    }
}
