@testable import LoadGen
import Foundation
import Stats
import XCTest

/// `dataset` workloads: files checked at validation with their lines, column mapping, seeded sampling.
final class DatasetWorkloadTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    func scenario(_ workload: [String: JSONValue], api: String = "lorax", _ extra: [String: JSONValue] = [:]) throws -> Scenario {
        var w = workload
        w["source"] = .string("dataset")
        var f = extra
        f["workload"] = .object(w)
        return try loadGenScenario(api: api, f)
    }

    func issues(_ workload: [String: JSONValue]) -> [String] {
        do { _ = try scenario(workload); return [] } catch let e as ScenarioError { return e.issues.map(\.description) } catch { return ["\(error)"] }
    }

    func body(_ r: PreparedRequest) -> String { String(decoding: r.body, as: UTF8.self) }

    func testJSONLRowsDecideAdapterMaxTokensAndAnswer() throws {
        let file = try write("d.jsonl", """
            {"prompt": "what is two plus two", "adapter": "math", "max_tokens": 4, "answer": 4}

            {"prompt": "name a colour", "answer": "red"}
            """)
        let s = try scenario(["file": .string(file), "sampling": .string("in_order")], ["max_new_tokens": .int(9)])
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        let a = f.make(sequence: 0), b = f.make(sequence: 1), c = f.make(sequence: 2)
        XCTAssertEqual(body(a), #"{"inputs":"what is two plus two","parameters":{"adapter_id":"math","details":true,"max_new_tokens":4}}"#)
        XCTAssertEqual(a.expectedAnswer, "4")
        XCTAssertEqual(a.inputWords, 5)
        XCTAssertEqual(a.origin.line, 1)
        XCTAssertEqual(body(b), #"{"inputs":"name a colour","parameters":{"details":true,"max_new_tokens":9}}"#)
        XCTAssertEqual(b.expectedAnswer, "red")
        XCTAssertEqual(b.origin.line, 3)
        XCTAssertEqual(body(c), body(a), "in_order cycles")
    }

    func testColumnErrorsCarryLineNumbers() throws {
        let file = try write("bad.jsonl", """
            {"q": "fine", "label": "x"}
            {"q": ""}
            not json
            {"q": "ok", "n": 0}
            {"label": "no question"}
            """)
        let cols: JSONValue = .object(["prompt": .string("q"), "max_tokens": .string("n")])
        XCTAssertEqual(issues(["file": .string(file), "columns": cols]), [
            #"workload.file: \#(file):2: "q" is empty"#,
            "workload.file: \(file):3: not a JSON object on one line",
            #"workload.file: \#(file):4: "n" must be an integer from 1 to 1000000"#,
            #"workload.file: \#(file):5: no "q""#,
        ])
        XCTAssertEqual(issues(["file": .string(dir.appendingPathComponent("none.jsonl").path)]).first?.hasSuffix("cannot be read (No such file or directory)"), true)
        XCTAssertEqual(issues(["file": .string(file), "columns": .object(["promt": .string("q")])]).first, #"workload.columns.promt: unknown key "promt" (did you mean "prompt"?)"#)
    }

    func testCSVWithQuotesHeaderCheckAndLineNumbers() throws {
        let file = try write("d.csv", "question,lora,gold\n\"say \"\"hi\"\", please\",a1,hi\n\"two\nlines\",,\nlast,a2,x\n")
        let cols: JSONValue = .object(["prompt": .string("question"), "adapter": .string("lora"), "answer": .string("gold")])
        let s = try scenario(["file": .string(file), "columns": cols, "sampling": .string("in_order")], api: "openai-completions")
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        let r0 = f.make(sequence: 0), r1 = f.make(sequence: 1), r2 = f.make(sequence: 2)
        XCTAssertTrue(body(r0).contains(#""model":"a1","prompt":"say \"hi\", please""#), body(r0))
        XCTAssertEqual(r0.expectedAnswer, "hi")
        XCTAssertEqual([r0.origin.line, r1.origin.line, r2.origin.line], [2, 3, 5])
        XCTAssertTrue(body(r1).contains(#""prompt":"two\nlines""#), body(r1))
        XCTAssertEqual(r1.expectedAnswer, nil)
        XCTAssertEqual(r2.adapter, "a2")

        let missing = try write("m.csv", "text,x\nhello,1\n")
        XCTAssertEqual(issues(["file": .string(missing), "columns": cols]), [
            "workload.file: \(missing):1: no column \"question\" in the header (columns: text, x)",
            "workload.file: \(missing):1: no column \"lora\" in the header (columns: text, x)",
            "workload.file: \(missing):1: no column \"gold\" in the header (columns: text, x)",
        ])
        let noPrompt = try write("n.csv", "text,x\nhello,1\n")
        XCTAssertEqual(issues(["file": .string(noPrompt)]), [#"workload.file: \#(noPrompt):1: no "prompt" or "messages" column in the header (columns: text, x)"#])
        let ragged = try write("r.csv", "prompt,adapter\nhello,a,extra\n")
        XCTAssertEqual(issues(["file": .string(ragged)]), ["workload.file: \(ragged):2: 3 fields, the header has 2"])
    }

    func testShareGPTConversationsBecomeChatMessages() throws {
        let file = try write("s.json", """
            [{"id": "a", "conversations": [{"from": "human", "value": "hello there"}, {"from": "gpt", "value": "hi"}]},
             {"id": "b", "conversations": [{"from": "system", "value": "be brief"}, {"from": "human", "value": "why"}, {"from": "gpt", "value": "because"}, {"from": "human", "value": "ok"}]}]
            """)
        let s = try scenario(["file": .string(file), "sampling": .string("in_order")], api: "openai-chat")
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        XCTAssertTrue(body(f.make(sequence: 0)).contains(#""messages":[{"content":"hello there","role":"user"}]"#))
        XCTAssertEqual(f.make(sequence: 0).expectedAnswer, "hi")
        XCTAssertTrue(body(f.make(sequence: 1)).contains(#""messages":[{"content":"be brief","role":"system"},{"content":"why","role":"user"}]"#), body(f.make(sequence: 1)))
        XCTAssertEqual(f.make(sequence: 1).expectedAnswer, "because")
        XCTAssertEqual(f.make(sequence: 1).origin.line, 2)
        let bad = try write("b.json", #"[{"conversations": [{"from": "gpt", "value": "x"}]}, {"id": 3}]"#)
        XCTAssertEqual(issues(["file": .string(bad)]), [
            "workload.file: \(bad) entry 1: no human turn with text",
            "workload.file: \(bad) entry 2: entry 2 has no \"conversations\" array",
        ])
    }

    func testSeededSamplingIsReproducibleAndWithoutReplacementCoversEveryRow() throws {
        let lines = (1...50).map { #"{"prompt": "row \#($0)"}"# }.joined(separator: "\n")
        let file = try write("many.jsonl", lines)
        func lineSequence(_ sampling: String, seed: Int) throws -> [Int] {
            let f = try RequestFactory(scenario: try scenario(["file": .string(file), "sampling": .string(sampling)], ["seed": .int(Int64(seed))]), baseURL: "http://h")
            return (0..<100).map { f.make(sequence: $0).origin.line! }
        }
        let a = try lineSequence("without_replacement", seed: 3)
        XCTAssertEqual(a, try lineSequence("without_replacement", seed: 3))
        XCTAssertNotEqual(a, try lineSequence("without_replacement", seed: 4))
        XCTAssertEqual(Set(a.prefix(50)), Set(1...50), "every row once before any repeats")
        XCTAssertEqual(Array(a.prefix(50)), Array(a.suffix(50)))
        let w = try lineSequence("with_replacement", seed: 3)
        XCTAssertEqual(w, try lineSequence("with_replacement", seed: 3))
        XCTAssertLessThan(Set(w.prefix(50)).count, 50, "with replacement repeats rows within the first 50 draws (seed 3)")
        XCTAssertEqual(try lineSequence("in_order", seed: 9).prefix(3), [1, 2, 3])
    }

    func testLengthFiltersDropRowsAndRefuseWhenNoneRemain() throws {
        let file = try write("len.jsonl", #"{"prompt": "a b c"}"# + "\n" + #"{"prompt": "a b c d e f g h"}"#)
        let s = try scenario(["file": .string(file), "max_words": .int(5)])
        guard case .dataset(let d) = s.workload.source else { return XCTFail() }
        XCTAssertEqual(d.rows.map(\.line), [1])
        XCTAssertEqual(issues(["file": .string(file), "min_words": .int(20)]), ["workload: all 2 rows of \(file) are outside min_words/max_words"])
    }
}
