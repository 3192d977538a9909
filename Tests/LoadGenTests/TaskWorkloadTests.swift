import Foundation
@testable import LoadGen
import Quality
import Stats
import XCTest

/// The `task`/`tasks` workload as a scenario states it, the requests it makes, the stream's text capture and the
/// adapter identity check.
final class TaskWorkloadTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let ticket = repo.appendingPathComponent("examples/tasks/ticket_routing").path
    static let review = repo.appendingPathComponent("examples/tasks/review_sentiment").path

    func issues(_ workload: JSONValue) -> [String] {
        do { _ = try loadGenScenario(["workload": workload]); return [] } catch let e as ScenarioError {
            return e.issues.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testATaskWorkloadAsksEachBindingsRowsGreedilyWithTheExpectedAnswer() throws {
        let s = try loadGenScenario(["workload": .object([
            "tasks": .array([.object(["task": .string(Self.ticket), "adapter": .string("org/t")]),
                             .object(["task": .string(Self.review), "adapter": .string("")])]),
            "max_new_tokens": .int(5)])])
        guard case .task(let t) = s.workload.source else { return XCTFail("not a task workload") }
        XCTAssertEqual(t.plan.bindings.map(\.task.name), ["ticket_routing", "review_sentiment"])
        XCTAssertEqual(t.plan.bindings.map(\.task.items.count), [320, 300])
        XCTAssertTrue(s.keepsResponses)
        XCTAssertEqual(s.parameters["temperature"], .int(0))
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        let r0 = f.make(sequence: 0), r1 = f.make(sequence: 1)
        XCTAssertEqual(r0.adapter, "org/t")
        XCTAssertEqual(r1.adapter, "")
        XCTAssertEqual(r0.maxNewTokens, 5)
        let pick = t.plan.pick(sequence: 0)
        let item = t.plan.bindings[0].task.items[pick.item]
        XCTAssertEqual(r0.expectedAnswer, item.reference)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r0.body)) as? [String: Any])
        XCTAssertEqual(body["inputs"] as? String, item.prompt)
        let params = try XCTUnwrap(body["parameters"] as? [String: Any])
        XCTAssertEqual(params["temperature"] as? Int, 0)
        XCTAssertEqual(params["adapter_id"] as? String, "org/t")
        XCTAssertEqual(params["max_new_tokens"] as? Int, 5)
        // A scenario's own temperature is kept.
        let warm = try loadGenScenario(["parameters": .object(["temperature": .double(0.7)]),
                                        "workload": .object(["task": .string(Self.review), "adapter": .string("a")])])
        XCTAssertEqual(warm.parameters["temperature"], .double(0.7))
    }

    func testShippedTaskScenariosAreValid() throws {
        // Their task folders are relative to the working directory, as a user runs them from the repository.
        guard FileManager.default.fileExists(atPath: "examples/tasks/ticket_routing/metadata.yaml") else {
            throw XCTSkip("not run from the repository root")
        }
        let q = try ScenarioLoader.load(path: Self.repo.appendingPathComponent("scenarios/quality-tasks.json").path, environment: [:])
        guard case .task(let t) = q.workload.source else { return XCTFail("quality-tasks is a task workload") }
        XCTAssertEqual(t.plan.bindings.map(\.adapter), ["org/ticket-router", "", "org/review-sentiment"])
        XCTAssertEqual(t.plan.canaries, TaskPlan.Canaries(prompts: 2, every: 25, requiredPrefix: nil))
        let v = try ScenarioLoader.load(path: Self.repo.appendingPathComponent("scenarios/vllm-tasks.json").path, environment: [:])
        guard case .task(let vt) = v.workload.source else { return XCTFail("vllm-tasks is a task workload") }
        XCTAssertEqual(vt.plan.bindings.map(\.adapter), ["a1", "a2"])
    }

    func testResponsesOptInForOtherWorkloads() throws {
        XCTAssertFalse(try loadGenScenario().keepsResponses)
        XCTAssertTrue(try loadGenScenario(["responses": .bool(true)]).keepsResponses)
        XCTAssertEqual(issues(.object(["task": .string(Self.review), "adapter": .string("a")])), [])
    }

    func testMistakesInATaskWorkloadNameTheirPath() {
        XCTAssertEqual(issues(.object(["task": .string(Self.review)])),
                       ["workload.adapter: required: the adapter that answers this task (\"\" for the base model)"])
        XCTAssertEqual(issues(.object(["task": .string("/nowhere/x"), "adapter": .string("a")])),
                       ["workload.task: /nowhere/x: task folder not found (a task is a folder holding metadata.yaml)"])
        XCTAssertEqual(issues(.object(["task": .string(Self.review), "tasks": .array([]), "adapter": .string("a")])),
                       ["workload: give either \"task\" (with \"adapter\") or \"tasks\" (a list), not both"])
        XCTAssertEqual(issues(.object(["tasks": .array([.object(["task": .string(Self.review), "adaptor": .string("a")])])])),
                       ["workload.tasks[0].adaptor: unknown key \"adaptor\" (did you mean \"adapter\"?)",
                        "workload.tasks[0].adapter: required: the adapter that answers this task (\"\" for the base model)"])
        XCTAssertEqual(issues(.object(["task": .string(Self.review), "adapter": .string("a"), "canaries": .object(["every": .int(1)])])),
                       ["workload.canaries.every: expected an integer from 2 to 1000000, got 1"])
    }

    func testIdentityVerdicts() {
        XCTAssertEqual(AdapterIdentity.judge(asked: "org/a", stated: "org/a", source: .header), .confirmed)
        XCTAssertEqual(AdapterIdentity.judge(asked: "org/a", stated: "org/b", source: .header), .mismatch)
        XCTAssertEqual(AdapterIdentity.judge(asked: "", stated: "org/b", source: .header), .mismatch)
        XCTAssertEqual(AdapterIdentity.judge(asked: "a,b", stated: "a, b", source: .header), .confirmed)
        XCTAssertEqual(AdapterIdentity.judge(asked: "org/a", stated: "null", source: .chunkModel), .unstated)
        XCTAssertEqual(AdapterIdentity.judge(asked: "", stated: "meta-llama/Llama-3", source: .chunkModel), .unstated)
        XCTAssertEqual(AdapterIdentity.judge(asked: "org/a", stated: "org/a", source: .chunkModel), .confirmed)
        XCTAssertEqual(AdapterIdentity.judge(asked: "org/a", stated: "org/c", source: .chunkModel), .mismatch)
    }

    private static let request = PreparedRequest(url: "http://h/generate_stream", body: [], adapter: "org/a", inputWords: 5, maxNewTokens: 8)

    func final(_ b: inout RecordBuilder) -> RequestRecord {
        var e = StreamEvent()
        e.isToken = true; e.isFinal = true; e.generatedText = "billing"
        b.observe(e, at: 2_000)
        return b.finish(at: 2_100)
    }

    func testAMismatchIsItsOwnErrorClassOnceTheStreamEnds() {
        var b = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 1_000)
        b.stated(adapter: "org/b", by: .header)
        let r = final(&b)
        XCTAssertEqual(r.errorClass, .adapterMismatch)
        XCTAssertEqual(r.errorMessage, "the server says adapter \"org/b\" answered (x-adapter-id); asked for \"org/a\"")
        XCTAssertEqual(r.servedAdapter, "org/b")
        XCTAssertEqual(r.generatedText, "billing")
        XCTAssertEqual(r.endMicros, 2_000, "timed like any stream")

        var ok = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 1_000)
        ok.stated(adapter: "org/a", by: .header)
        let good = final(&ok)
        XCTAssertNil(good.errorClass)
        XCTAssertEqual(good.servedAdapter, "org/a")

        var base = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 1_000)
        base.statedBaseModel(by: .header)
        let b2 = final(&base)
        XCTAssertEqual(b2.errorClass, .adapterMismatch)
        XCTAssertEqual(b2.errorMessage, "the server says the base model answered (x-model-id without x-adapter-id); asked for \"org/a\"")

        // Another failure wins: the stream's own error is what the request is.
        var broken = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 1_000)
        broken.stated(adapter: "org/b", by: .header)
        broken.fail(.stream, type: "generation", message: "boom", at: 1_500)
        XCTAssertEqual(broken.finish(at: 1_600).errorClass, .stream)
    }

    func testDialectsCaptureTextOnlyWhenAsked() throws {
        let native = Array(#"{"token":{"id":2,"text":"</s>","special":true},"generated_text":"bil\"ling\"","details":null}"#.utf8)
        XCTAssertEqual(try LoraxDialect(capturesText: true).parse(native).generatedText, "bil\"ling\"")
        XCTAssertNil(try LoraxDialect().parse(native).generatedText)
        let chunk = Array(#"{"id":"x","model":"org/a","choices":[{"index":0,"delta":{"content":" ship"},"finish_reason":null}]}"#.utf8)
        let e = try OpenAIChatDialect(capturesText: true).parse(chunk)
        XCTAssertEqual(e.tokenText, " ship")
        XCTAssertEqual(e.model, "org/a")
        XCTAssertTrue(e.isToken && e.hasText)
        let plain = try OpenAIChatDialect().parse(chunk)
        XCTAssertNil(plain.tokenText)
        XCTAssertNil(plain.model)
        XCTAssertEqual(plain.isToken, e.isToken)
        let completion = Array(#"{"model":"null","choices":[{"index":0,"text":"ping","logprobs":null,"finish_reason":null}]}"#.utf8)
        XCTAssertEqual(try OpenAICompletionsDialect(capturesText: true).parse(completion).tokenText, "ping")
        // Chunk texts add up in the record; the chunk's model is checked against the adapter asked for.
        var b = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 1_000)
        b.observe(e, at: 1_200)
        var wrong = try OpenAIChatDialect(capturesText: true).parse(Array(String(decoding: chunk, as: UTF8.self)
            .replacingOccurrences(of: "org/a", with: "org/z").utf8))
        wrong.tokenText = "ping"
        b.observe(wrong, at: 1_300)
        var done = StreamEvent()
        done.isFinal = true
        b.observe(done, at: 1_400)
        let r = b.finish(at: 1_400)
        XCTAssertEqual(r.generatedText, " shipping")
        XCTAssertEqual(r.errorClass, .adapterMismatch)
        XCTAssertEqual(r.servedAdapter, "org/z")
    }
}
