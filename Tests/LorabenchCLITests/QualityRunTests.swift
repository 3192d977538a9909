import Foundation
import LoadGen
import LoraxSim
import Quality
import Stats
import XCTest

/// Task workloads end to end against the simulator's answer keys: scores per adapter against the configured
/// accuracy and, exactly, against the simulator's own log of which answers it gave right; the wrong-adapter fault
/// caught by the identity check and by the canaries, counted against the simulator's log.
final class QualityRunTests: XCTestCase {
    /// The repository's examples/tasks folder (tests may run from any directory).
    static let tasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/tasks").path

    func testExampleTasksScoreWithinTwoPointsOfTheSimulatorsAccuracyAndExactlyItsLog() async throws {
        let ticket = Self.tasks + "/ticket_routing", review = Self.tasks + "/review_sentiment"
        let h = try await SimHarness.start("""
        {"profile":"fast","seed":5,"answer_keys":[
          {"task":"\(ticket)","accuracy":{"org/ticket":0.9,"":0.4}},
          {"task":"\(review)","accuracy":{"org/review":0.7}}]}
        """)
        let s = try h.scenario(["concurrency": .int(12), "duration": .string("4s"),
                                "workload": .object(["tasks": .array([
                                    .object(["task": .string(ticket), "adapter": .string("org/ticket")]),
                                    .object(["task": .string(ticket), "adapter": .string("")]),
                                    .object(["task": .string(review), "adapter": .string("org/review")]),
                                ]), "max_new_tokens": .int(6)])])
        let out = try await h.run(s)
        await h.stop()
        let q = try XCTUnwrap(out.summary.quality)
        XCTAssertEqual(q.rows.map(\.adapter), ["org/ticket", "", "org/review"])
        XCTAssertEqual(q.rows.map(\.task), ["ticket_routing", "ticket_routing", "review_sentiment"])
        XCTAssertEqual(q.rows.map(\.metric), ["first_label", "first_label", "accuracy"])
        for (row, want) in zip(q.rows, [0.9, 0.4, 0.7]) {
            XCTAssertGreaterThan(row.scored, 300, "\(row.adapter): enough rows for ±2 points")
            XCTAssertEqual(row.failed, 0)
            XCTAssertEqual(row.scored, row.requests)
            XCTAssertEqual(try XCTUnwrap(row.score), want, accuracy: 0.02, "\(row.adapter) on \(row.task)")
        }
        // Exactly the simulator's log: every answer it gave right from its key scored 1, every wrong one 0.
        let runId = try XCTUnwrap(out.summary.run.runId)
        let measured = h.sim.requests().filter { $0.id.hasPrefix(runId + "-") && Int($0.id.dropFirst(runId.count + 1)) != nil }
        XCTAssertEqual(measured.count, q.rows.reduce(0) { $0 + $1.requests })
        for row in q.rows {
            let mine = measured.filter { $0.adapter == row.adapter }
            XCTAssertEqual(mine.filter { $0.answerKeyRight == true }.count, row.exact, row.adapter)
            XCTAssertEqual(mine.filter { $0.answerKeyRight == false }.count, row.scored - row.exact, row.adapter)
        }
        // The same numbers in quality.csv, the terminal and responses.jsonl.
        let csv = try String(contentsOfFile: out.directory + "/quality.csv", encoding: .utf8)
        XCTAssertEqual(csv, QualityCSV.text(q))
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.first, "adapter,task,metric,requests,scored,failed,score,exact,no_label,adapter_mismatches,stage")
        XCTAssertNil(q.byStage, "one stage: no per-stage rows")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(String(lines[1]), "org/ticket,ticket_routing,first_label,\(q.rows[0].requests),\(q.rows[0].scored),0,"
                       + String(format: "%.6f", q.rows[0].score!) + ",\(q.rows[0].exact),0,0,")
        let terminal = TerminalReport.render(out.summary)
        XCTAssertTrue(terminal.contains("  org/ticket                ticket_routing        first_label   "
                                        + ReportText.right(ReportText.number(q.rows[0].score! * 100) + " %", 10)), terminal)
        let responses = try String(contentsOfFile: out.directory + "/responses.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(responses.count, measured.count)
        let parsed = try responses.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let first = try XCTUnwrap(parsed.first { $0["sequence"] as? Int == 0 })
        XCTAssertEqual(first["sequence"] as? Int, 0)
        XCTAssertEqual(first["adapter"] as? String, "org/ticket")
        XCTAssertEqual(first["served_adapter"] as? String, "org/ticket")
        XCTAssertEqual(first["task"] as? String, "ticket_routing")
        XCTAssertNotNil(first["reference"] as? String)
        XCTAssertEqual((first["score"] as? Double).map { $0 == 0 || $0 == 1 }, true)
        // Adapter identity: the simulator states every non-base adapter in x-adapter-id and none for the base model.
        XCTAssertEqual(q.identity.mismatched, 0)
        XCTAssertEqual(q.identity.confirmed, q.rows[0].requests + q.rows[2].requests)
        XCTAssertEqual(q.identity.unstated, q.rows[1].requests)
    }

    func testWrongAdapterFaultIsCaughtByIdentityAndCanariesWithExactCounts() async throws {
        let ticket = Self.tasks + "/ticket_routing", review = Self.tasks + "/review_sentiment"
        let h = try await SimHarness.start("""
        {"profile":"fast","seed":9,"wrong_adapter_as":"org/impostor","faults":{"wrong_adapter_every":7},"answer_keys":[
          {"task":"\(ticket)","accuracy":{"org/ticket":0.9}},{"task":"\(review)","accuracy":{"org/review":0.8}}]}
        """)
        let workload: JSONValue = .object([
            "tasks": .array([.object(["task": .string(ticket), "adapter": .string("org/ticket")]),
                             .object(["task": .string(review), "adapter": .string("org/review")])]),
            "max_new_tokens": .int(6), "canaries": .object(["prompts": .int(3), "every": .int(5)])])
        let s = try h.scenario(["concurrency": .int(8), "duration": .string("3s"), "workload": workload])
        let out = try await h.run(s)
        await h.stop()
        guard case .task(let t) = s.workload.source else { return XCTFail("not a task workload") }
        let q = try XCTUnwrap(out.summary.quality)
        let c = try XCTUnwrap(q.canaries)
        let runId = try XCTUnwrap(out.summary.run.runId)
        let truth = h.sim.requests().filter { $0.route != "/health" }
        let measured = truth.compactMap { r -> (Int, SimRequestRecord)? in
            guard r.id.hasPrefix(runId + "-"), let n = Int(r.id.dropFirst(runId.count + 1)) else { return nil }
            return (n, r)
        }
        let faulted = measured.filter { $0.1.fault == "wrong_adapter" }
        XCTAssertGreaterThan(faulted.count, 20)
        XCTAssertTrue(faulted.allSatisfy { $0.1.servedAdapter == "org/impostor" })
        // Identity: every faulted response, and nothing else, is an adapter_mismatch.
        XCTAssertEqual(q.identity.mismatched, faulted.count)
        XCTAssertEqual(out.summary.requests.errors["adapter_mismatch"], faulted.count)
        XCTAssertEqual(q.identity.confirmed, measured.count - faulted.count)
        // The server counted those answers as successes: the agreement counts them too, and leaves tokens unjudged.
        let agreement = try XCTUnwrap(out.summary.server?.agreement)
        XCTAssertEqual(agreement.checks.first { $0.name == "requests" }?.agrees, true)
        XCTAssertEqual(agreement.checks.first { $0.name == "requests" }?.client, Double(measured.count))
        XCTAssertEqual(agreement.checks.first { $0.name == "output_tokens" }?.note,
                       "\(faulted.count) adapter_mismatch answer(s) are not in the client's token counts; tokens not judged")
        XCTAssertEqual(q.rows.reduce(0) { $0 + $1.adapterMismatches } + faulted.filter { t.plan.pick(sequence: $0.0).canary }.count, faulted.count)
        // Canaries: idle answers exist for the prompts whose idle request was not faulted; each faulted re-send of such a
        // prompt diverged (the impostor answers with its own words), every other re-send matched.
        let idle = truth.filter { $0.id.hasPrefix(runId + "-idle-") }
        XCTAssertEqual(idle.count, 6)
        let missing = Set(idle.filter { $0.fault != nil }.compactMap { Int($0.id.dropFirst((runId + "-idle-").count)) }
            .map { [$0 / 3, $0 % 3] })
        XCTAssertEqual(c.baselines, 6 - missing.count)
        let canaries = measured.filter { t.plan.pick(sequence: $0.0).canary }
        let compared = canaries.filter { let p = t.plan.pick(sequence: $0.0); return !missing.contains([p.binding, p.item]) }
        XCTAssertEqual(c.resent, canaries.count)
        XCTAssertEqual(c.compared, compared.count)
        XCTAssertEqual(c.diverged, compared.filter { $0.1.fault == "wrong_adapter" }.count)
        XCTAssertGreaterThan(c.diverged, 0)
        XCTAssertEqual(c.matched, compared.count - c.diverged)
        let d = try XCTUnwrap(c.examples.first)
        XCTAssertEqual(d.servedAdapter, "org/impostor")
        XCTAssertEqual(d.divergesAt, CanaryComparison.commonPrefix(d.baseline, d.answer))
        XCTAssertTrue(TerminalReport.render(out.summary).contains("\(d.adapter) (served by org/impostor): diverges at character \(d.divergesAt)"))
        // The same counts and the scores in the Prometheus export.
        let prom = PrometheusText.parse(PrometheusExport.render(out.summary))
        XCTAssertEqual(prom.badLines, 0)
        XCTAssertEqual(prom.samples.first { $0.name == "lorabench_adapter_mismatches_total" }?.value, Double(faulted.count))
        XCTAssertEqual(prom.samples.first { $0.name == "lorabench_canaries_diverged_total" }?.value, Double(c.diverged))
        for row in q.rows where row.stage == nil {
            let sample = prom.samples.first { $0.name == "lorabench_quality_score" && $0.label("adapter") == row.adapter && $0.label("task") == row.task }
            XCTAssertEqual(try XCTUnwrap(sample).value, try XCTUnwrap(row.score), accuracy: 1e-12)
        }
    }

    func testARampingRunScoresEachStage() async throws {
        let review = Self.tasks + "/review_sentiment"
        let h = try await SimHarness.start(#"{"profile":"fast","seed":4,"answer_keys":[{"task":"\#(review)","accuracy":{"org/r":0.6}}]}"#)
        let s = try h.scenario(["stages": .array([.object(["duration": .string("1s"), "target": .int(2)]),
                                                  .object(["duration": .string("1500ms"), "target": .int(12)])]),
                                "workload": .object(["task": .string(review), "adapter": .string("org/r"), "max_new_tokens": .int(4)])])
        let out = try await h.run(s)
        await h.stop()
        let q = try XCTUnwrap(out.summary.quality)
        let stages = try XCTUnwrap(q.byStage)
        XCTAssertEqual(stages.map(\.stage), [0, 1])
        XCTAssertEqual(stages.reduce(0) { $0 + $1.requests }, q.rows[0].requests)
        XCTAssertEqual(stages.reduce(0) { $0 + $1.exact }, q.rows[0].exact)
        let rows = try readRequestsCSV(out.directory)
        for st in stages { XCTAssertEqual(st.requests, rows.filter { $0["stage"] == String(st.stage!) }.count) }
        let csv = try String(contentsOfFile: out.directory + "/quality.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[2].hasPrefix("org/r,review_sentiment,accuracy,\(stages[0].requests),") && csv[2].hasSuffix(",0"), String(csv[2]))
        XCTAssertTrue(TerminalReport.render(out.summary).contains("    stage 1: org/r/review_sentiment "), TerminalReport.render(out.summary))
    }

    func testQualityThresholdsDecideTheExitCode() async throws {
        let review = Self.tasks + "/review_sentiment"
        let path = try writeTempScenario("""
        {"name":"qthr","target":{"simulator":{"profile":"fast","seed":2,"answer_keys":[{"task":"\(review)","accuracy":{"org/r":0.75}}]}},
         "concurrency":4,"duration":"1500ms","health":{"interval":"50ms","timeout":"5s"},
         "workload":{"task":"\(review)","adapter":"org/r","max_new_tokens":4},
         "thresholds":{"quality{task:review_sentiment}.accuracy":"> 0.9","quality{adapter:org/r}.accuracy":"> 0.7","quality.adapter_mismatches":"== 0"}}
        """)
        let r = await lorabench(["run", path, "--out", SimHarness.tempDir()])
        XCTAssertEqual(r.code.rawValue, 99, r.err)
        XCTAssertTrue(r.err.contains("thresholds failed: quality{task:review_sentiment}.accuracy > 0.9"), r.err)
        XCTAssertTrue(r.out.contains("  ✓ quality{adapter:org/r}.accuracy > 0.7   (actual 0.7"), r.out)
        XCTAssertTrue(r.out.contains("  ✓ quality.adapter_mismatches == 0   (actual 0)"), r.out)
        let bad = try writeTempScenario(#"{"target":{"url":"http://127.0.0.1:9"},"duration":"1s","thresholds":{"quality{task:x}.acc":"> 1"}}"#)
        let v = await lorabench(["validate", bad])
        XCTAssertEqual(v.code.rawValue, 104)
        XCTAssertTrue(v.err.contains("unknown statistic \"acc\""), v.err)
    }

    func testSweepOverConcurrencyHasTheQualityColumns() async throws {
        let ticket = Self.tasks + "/ticket_routing"
        let path = try writeTempScenario("""
        {"name":"qsweep","target":{"simulator":{"profile":"fast","seed":2,"answer_keys":[{"task":"\(ticket)","accuracy":{"org/ticket":0.8}}]}},
         "concurrency":1,"duration":"1s","health":{"interval":"50ms","timeout":"5s"},
         "workload":{"task":"\(ticket)","adapter":"org/ticket","max_new_tokens":4},
         "sweep":{"concurrency":[2,6],"duration":"1500ms"}}
        """)
        let dir = SimHarness.tempDir()
        let r = await lorabench(["sweep", path, "--out", dir])
        XCTAssertEqual(r.code, .success, r.err)
        let csv = try String(contentsOfFile: dir + "/sweep.csv", encoding: .utf8).split(separator: "\n").map { splitCSVLine(String($0)) }
        let header = csv[0]
        XCTAssertEqual(Array(header.suffix(6)), ["quality", "quality_min", "adapter_mismatches", "canaries_diverged", "ttft_samples",
                                                 "quality:org/ticket/ticket_routing"])
        XCTAssertEqual(csv.count, 3)
        for row in csv.dropFirst() {
            let cells = Dictionary(uniqueKeysWithValues: zip(header, row))
            XCTAssertEqual(try XCTUnwrap(Double(cells["quality"] ?? "")), 0.8, accuracy: 0.05, "\(cells)")
            XCTAssertEqual(cells["quality"], cells["quality:org/ticket/ticket_routing"])
            XCTAssertEqual(cells["adapter_mismatches"], "0")
            let summary = try RunSummary.read(Data(contentsOf: URL(fileURLWithPath: dir + "/" + cells["directory"]! + "/summary.json")), source: "cell")
            XCTAssertEqual(cells["quality"], SweepRow.score(summary.quality?.rows[0].score))
        }
        XCTAssertTrue(r.out.contains("   quality     q min  mismatch"), r.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/quality-vs-load.svg"))
        XCTAssertTrue(r.out.contains("quality-vs-load.svg"))
    }
}
