import Foundation
import XCTest
@testable import LoraxSim

/// The simulator's answer keys, greedy answers and the wrong-adapter fault, on the wire and in the ground truth.
final class AnswerKeyTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "sim-answers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let rows = (0..<200).map { #"{"q": "question \#($0)", "a": "\#(["yes", "no", "maybe"][$0 % 3])"}"# }
        try rows.joined(separator: "\n").write(toFile: dir + "/d.jsonl", atomically: true, encoding: .utf8)
        try "data_path: d.jsonl\nprompt_template: 'Q: {q}'\ntarget_col: a\nmetric_name: first_label\n"
            .write(toFile: dir + "/metadata.yaml", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func config(_ extra: String = "") throws -> SimConfig {
        try SimConfig.decode(from: Data(#"{"profile":"fast","answer_keys":[{"task":"\#(dir)","accuracy":{"org/a":0.8,"":0.25}}]\#(extra)}"#.utf8))
    }

    func body(_ prompt: String, adapter: String?, temperature: String? = nil) -> String {
        var p = #""max_new_tokens":8"#
        if let a = adapter { p += #","adapter_id":"\#(a)""# }
        if let t = temperature { p += #","temperature":\#(t)"# }
        return #"{"inputs":"\#(prompt)","parameters":{\#(p)}}"#
    }

    func testAnAdapterAnswersItsKeyAtItsAccuracyThenStops() async throws {
        let s = try await startSim(self, try config())
        var right = 0
        for i in 0..<200 {
            let r = try RawHTTP.call(s.port, "POST", "/generate", body: body("Q: question \(i)", adapter: "org/a"))
            let text = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["generated_text"] as? String)
            let want = ["yes", "no", "maybe"][i % 3]
            XCTAssertTrue(["yes", "no", "maybe"].contains(text), text)
            if text == want { right += 1 }
        }
        // The golden-ratio sequence: 200 rows land within one row of 80 %.
        XCTAssertEqual(Double(right), 160, accuracy: 1)
        let truth = s.requests()
        XCTAssertEqual(truth.filter { $0.answerKeyRight == true }.count, right)
        XCTAssertTrue(truth.allSatisfy { $0.outputTokens == 2 && $0.finishReason == "eos_token" })  // the label, then EOS
        // Streamed, the answer is the same tokens with the adapter named in x-adapter-id.
        let st = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body("Q: question 0", adapter: "org/a"))
        XCTAssertEqual(st.header("x-adapter-id"), "org/a")
        XCTAssertEqual(st.events.count, 2)
        XCTAssertTrue(st.events[1].contains(#""generated_text":"\#(truth[0].answerKeyRight! ? "yes" : "no")""#) || st.events[1].contains("maybe"), st.events[1])
    }

    func testTheBaseModelHasItsOwnAccuracyAndUnknownAdaptersOrdinaryWords() async throws {
        let s = try await startSim(self, try config())
        var right = 0
        for i in 0..<100 {
            let r = try RawHTTP.call(s.port, "POST", "/generate", body: body("Q: question \(i)", adapter: nil))
            let text = (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["generated_text"] as? String
            if text == ["yes", "no", "maybe"][i % 3] { right += 1 }
        }
        XCTAssertEqual(Double(right), 25, accuracy: 1)
        let other = try RawHTTP.call(s.port, "POST", "/generate", body: body("Q: question 1", adapter: "org/unknown"))
        XCTAssertNil(s.requests().last?.answerKeyRight)
        XCTAssertEqual(s.requests().last?.outputTokens, 8, "ordinary words up to max_new_tokens: \(other.text)")
    }

    func testGreedyRequestsRepeatTheirWordsAndOthersDoNot() async throws {
        let s = try await startSim(self, try SimConfig.profile("fast"))
        func text(_ b: String) throws -> String {
            String(describing: (try JSONSerialization.jsonObject(with: Data(RawHTTP.call(s.port, "POST", "/generate", body: b).body)) as? [String: Any])?["generated_text"] ?? "")
        }
        let g1 = try text(body("hello there", adapter: "org/a", temperature: "0"))
        let g2 = try text(body("hello there", adapter: "org/a", temperature: "0.0"))
        let g3 = try text(body("hello there", adapter: "org/b", temperature: "0"))
        XCTAssertEqual(g1, g2)
        XCTAssertNotEqual(g1, g3)
        XCTAssertNotEqual(try text(body("hello there", adapter: "org/a")), try text(body("hello there", adapter: "org/a")))
    }

    func testWrongAdapterFaultAnswersAsAnotherAdapterAndSaysSo() async throws {
        var c = try config(#","wrong_adapter_as":"org/impostor""#)
        c.faults[.wrongAdapter].every = 2
        let s = try await startSim(self, c)
        let ok = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body("Q: question 3", adapter: "org/a"))
        let bad = try RawHTTP.call(s.port, "POST", "/generate_stream", body: body("Q: question 3", adapter: "org/a"))
        XCTAssertEqual(ok.header("x-adapter-id"), "org/a")
        XCTAssertEqual(bad.header("x-adapter-id"), "org/impostor")
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(bad.status, 200)
        XCTAssertEqual(bad.events.count, 8, "the impostor is not in the key: 8 ordinary words, the last one final, no EOS")
        XCTAssertEqual(s.requests().map(\.fault), [nil, "wrong_adapter"])
        XCTAssertEqual(s.requests().map(\.servedAdapter), [nil, "org/impostor"])
        // Without wrong_adapter_as it answers as the next adapter the keys name: "org/a" → "" (the base model, no header).
        var c2 = try config()
        c2.faults[.wrongAdapter].every = 1
        let s2 = try await startSim(self, c2)
        let r = try RawHTTP.call(s2.port, "POST", "/generate_stream", body: body("Q: question 3", adapter: "org/a"))
        XCTAssertNil(r.header("x-adapter-id"))
        XCTAssertEqual(s2.requests().first?.servedAdapter, "")
    }

    func testABadAnswerKeyIsRefusedWithItsPath() throws {
        XCTAssertThrowsError(try SimConfig.decode(from: Data(#"{"answer_keys":[{"task":"/nonexistent/t","accuracy":{"a":1.5}}]}"#.utf8))) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("answer_keys[0].accuracy.a: must be in [0, 1]"), text)
            XCTAssertTrue(text.contains("answer_keys[0].task: /nonexistent/t: task folder not found"), text)
        }
    }
}
