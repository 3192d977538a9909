@testable import LoadGen
import Stats
import XCTest

/// The prompt-source seam: a source decides content, adapter, max_new_tokens, answer and origin; the factory and
/// the dialects honour what it decided; `workload` decodes with located errors.
final class WorkloadSeamTests: XCTestCase {
    func workloadIssues(_ workload: JSONValue) -> [String] {
        do { _ = try loadGenScenario(["workload": workload]); return [] } catch let e as ScenarioError {
            return e.issues.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testWorkloadKeyDecodesWithLocatedErrors() throws {
        guard case .random = try loadGenScenario(["workload": .object(["source": .string("random")])]).workload.source else { return XCTFail() }
        guard case .random = try loadGenScenario([:]).workload.source else { return XCTFail() }
        XCTAssertEqual(workloadIssues(.string("random")), [#"workload: expected an object like {"source": "random"}, got a string "random""#])
        XCTAssertTrue(workloadIssues(.object([:])).first!.hasPrefix(#"workload.source: required: one of "random""#), "\(workloadIssues(.object([:])))")
        XCTAssertTrue(workloadIssues(.object(["source": .string("randon")])).first!.contains(#"got "randon" (did you mean "random"?)"#), "\(workloadIssues(.object(["source": .string("randon")])))")
        XCTAssertEqual(workloadIssues(.object(["source": .string("random"), "extra": .int(1)])), [#"workload.extra: unknown key "extra""#])
    }

    /// Decides everything: a conversation, its own adapter and max_new_tokens, an answer and an origin.
    struct DecidingSource: PromptSource {
        func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
            Prompt(content: .messages([ChatMessage(role: "user", content: "hi \(slot.vu)"), ChatMessage(role: "assistant", content: "yes"),
                                       ChatMessage(role: "user", content: "turn \(slot.vuIteration + 1)")]),
                   inputWords: 4, adapter: "mine", maxNewTokens: 3, expectedAnswer: "42",
                   origin: RequestOrigin(line: 7, session: "s\(slot.vu)", turn: slot.vuIteration + 1), arrivalOffsetMicros: 1500)
        }
    }

    func testWhatTheSourceDecidesReachesTheBodyAndTheRecord() throws {
        let chat = try loadGenScenario(api: "openai-chat", ["adapters": .object(["ids": .array([.string("other")])])])
        let r = RequestFactory(scenario: chat, baseURL: "http://h", prompts: DecidingSource()).make(slot: RequestSlot(sequence: 0, vu: 2, vuIteration: 1))
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), #"{"max_tokens":3,"messages":[{"content":"hi 2","role":"user"},{"content":"yes","role":"assistant"},{"content":"turn 2","role":"user"}],"model":"mine","stream":true,"stream_options":{"include_usage":true}}"#)
        XCTAssertEqual(r.expectedAnswer, "42")
        let native = try loadGenScenario(api: "lorax")
        let n = RequestFactory(scenario: native, baseURL: "http://h", prompts: DecidingSource()).make(slot: RequestSlot(sequence: 0, vu: 2, vuIteration: 0))
        XCTAssertEqual(String(decoding: n.body, as: UTF8.self), #"{"inputs":"user: hi 2\nassistant: yes\nuser: turn 1","parameters":{"adapter_id":"mine","details":true,"max_new_tokens":3}}"#)

        var b = RecordBuilder(sequence: 0, vu: 2, request: r, cold: true, intendedMicros: 1_000_000)
        let row = RequestsCSV.row(b.finish(at: 1_000_000), windowStartMicros: 0)
        let cols = Dictionary(uniqueKeysWithValues: zip(RequestsCSV.header, row))
        XCTAssertEqual(cols["trace_line"], "7")
        XCTAssertEqual(cols["trace_offset_ms"], "1.500")
        XCTAssertEqual(cols["session"], "s2")
        XCTAssertEqual(cols["turn"], "2")
        XCTAssertEqual(cols["prefix_group"], "")
        // Appended after implausible_server_tokens, in this order (later columns may follow).
        let at = RequestsCSV.header.firstIndex(of: "implausible_server_tokens")! + 1
        XCTAssertEqual(Array(RequestsCSV.header[at..<(at + 6)]), ["trace_line", "trace_offset_ms", "session", "turn", "prefix_group", "prefix_first"])
    }

    /// What a source leaves nil the factory draws from the scenario, after the source's own draws.
    struct TextOnly: PromptSource {
        func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt { .text("x", words: 1) }
    }

    func testTheFactoryDrawsWhatTheSourceLeftOpen() throws {
        let s = try loadGenScenario(["max_new_tokens": .int(9), "adapters": .object(["ids": .array([.string("a"), .string("b")]), "distribution": .string("round-robin")])])
        let f = RequestFactory(scenario: s, baseURL: "http://h", prompts: TextOnly())
        XCTAssertEqual((0..<4).map { f.make(sequence: $0).adapter }, ["a", "b", "a", "b"])
        XCTAssertEqual(f.make(sequence: 3).maxNewTokens, 9)
    }

    /// The shipped workload examples validate (their data paths are relative to the repository root) and say what they are.
    func testShippedWorkloadExamplesAreValid() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var summaries: [String: String] = [:]
        for name in ["dataset", "trace-replay", "shared-prefix", "sessions", "lengths-drift"] {
            var doc = try ScenarioLoader.readDocument(repo.appendingPathComponent("scenarios/\(name).json").path)
            if case .object(var top) = doc, case .object(var w)? = top["workload"], case .string(let f)? = w["file"] {
                w["file"] = .string(repo.appendingPathComponent(f).path)
                top["workload"] = .object(w)
                doc = .object(top)
            }
            let s = try ScenarioLoader.load(document: doc, file: name + ".json", environment: [:])
            summaries[name] = s.workload.summary?.replacingOccurrences(of: repo.path + "/", with: "")
        }
        XCTAssertEqual(summaries["dataset"], "dataset of 60 rows from scenarios/data/prompts.jsonl, without_replacement")
        XCTAssertEqual(summaries["trace-replay"], "trace of 394 arrivals from scenarios/data/trace.jsonl (lorabench) over 29691.75ms at speed 4, adapters by column")
        XCTAssertEqual(summaries["shared-prefix"], "8 shared prefixes of 200 words, shared")
        XCTAssertEqual(summaries["sessions"], "sessions of 4 turns, adapter per_session")
        XCTAssertEqual(summaries["lengths-drift"], "random words, drifting adapter ranking")
    }
}
