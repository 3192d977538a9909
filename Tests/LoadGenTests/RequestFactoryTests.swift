@testable import LoadGen
import Stats
import XCTest

/// What the factory draws per request: same seed same requests, and each adapter distribution doing what it says.
final class RequestFactoryTests: XCTestCase {
    private func factory(_ fields: [String: JSONValue], api: String = "lorax") throws -> RequestFactory {
        try RequestFactory(scenario: try loadGenScenario(api: api, fields), baseURL: "http://h")
    }

    private func adapters(_ fields: [String: JSONValue], _ n: Int) throws -> [String] {
        let f = try factory(fields)
        return (0..<n).map { f.make(sequence: $0).adapter }
    }

    private static func ids(_ names: [String]) -> JSONValue { .array(names.map(JSONValue.string)) }

    func testSameSeedSameRequestsInAnyOrderAndOtherSeedsDiffer() throws {
        let fields: [String: JSONValue] = ["seed": .int(7), "adapters": .object(["count": .int(5), "template": .string("a-{i}")])]
        let a = try factory(fields), b = try factory(fields)
        let forward = (0..<50).map { a.make(sequence: $0).body }
        let backward = (0..<50).reversed().map { b.make(sequence: $0).body }.reversed()
        XCTAssertEqual(forward, Array(backward))
        var other = fields
        other["seed"] = .int(8)
        let c = try factory(other)
        XCTAssertEqual((0..<50).filter { c.make(sequence: $0).body == forward[$0] }.count, 0)
    }

    func testRoundRobinCyclesInOrder() throws {
        let got = try adapters(["adapters": .object(["ids": Self.ids(["a", "b", "c"]), "distribution": .string("round-robin")])], 7)
        XCTAssertEqual(got, ["a", "b", "c", "a", "b", "c", "a"])
    }

    func testBaseShareOneSendsEverythingToTheBaseModel() throws {
        let got = try adapters(["adapters": .object(["ids": Self.ids(["a", "b"]), "base_share": .int(1)])], 200)
        XCTAssertEqual(Set(got), [""])
    }

    func testNoAdaptersMeansTheBaseModel() throws {
        XCTAssertEqual(Set(try adapters([:], 20)), [""])
    }

    func testUniformAndBaseShareSplit() throws {
        let got = try adapters(["seed": .int(3), "adapters": .object(["ids": Self.ids(["a", "b", "c"]), "base_share": .double(0.25)])], 4000)
        let counts = Dictionary(grouping: got, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(Set(counts.keys), ["", "a", "b", "c"])
        XCTAssertEqual(Double(counts[""]!) / 4000, 0.25, accuracy: 0.03)
        for id in ["a", "b", "c"] { XCTAssertEqual(Double(counts[id]!) / 4000, 0.25, accuracy: 0.03, id) }
    }

    func testWeightsAndZipfFavourWhatTheySay() throws {
        XCTAssertEqual(Set(try adapters(["adapters": .object(["ids": Self.ids(["a", "b"]), "weights": .array([.int(0), .int(1)])])], 300)), ["b"])
        let zipf = try adapters(["adapters": .object(["ids": Self.ids(["a", "b", "c"]), "distribution": .string("zipf"), "zipf_s": .int(1)])], 6000)
        let counts = Dictionary(grouping: zipf, by: { $0 }).mapValues(\.count)
        // s = 1 over three ranks: 6/11, 3/11, 2/11.
        XCTAssertEqual(Double(counts["a"]!) / 6000, 6.0 / 11, accuracy: 0.03)
        XCTAssertEqual(Double(counts["b"]!) / 6000, 3.0 / 11, accuracy: 0.03)
        XCTAssertEqual(Double(counts["c"]!) / 6000, 2.0 / 11, accuracy: 0.03)
    }

    func testPromptLengthAndMaxNewTokensStayInTheirBounds() throws {
        let f = try factory(["input_words": .object(["min": .int(2), "max": .int(4)]), "max_new_tokens": .object(["min": .int(10), "max": .int(12)]),
                             "seed": .int(11)])
        var lengths = Set<Int>(), maxNews = Set<Int>()
        for n in 0..<300 {
            let r = f.make(sequence: n)
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(r.body))
            let prompt = body.objectValue?["inputs"]?.stringValue ?? ""
            XCTAssertEqual(prompt.split(separator: " ").count, r.inputWords, prompt)
            XCTAssertEqual(body.objectValue?["parameters"]?.objectValue?["max_new_tokens"], .int(Int64(r.maxNewTokens)))
            XCTAssertTrue(prompt.split(separator: " ").allSatisfy { WordList.builtIn.contains(String($0)) }, prompt)
            lengths.insert(r.inputWords)
            maxNews.insert(r.maxNewTokens)
        }
        XCTAssertEqual(lengths, [2, 3, 4])
        XCTAssertEqual(maxNews, [10, 11, 12])
    }

    /// A source that draws nothing: request n's prompt is n + 1 copies of `wn`.
    struct FixedPrompts: PromptSource {
        func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
            .text(Array(repeating: "w\(slot.sequence)", count: slot.sequence + 1).joined(separator: " "), words: slot.sequence + 1)
        }
    }

    func testAnotherPromptSourceGivesThePromptAndTheFactoryTheRest() throws {
        let scenario = try loadGenScenario(api: "openai-completions", ["max_new_tokens": .int(4), "adapters": .object(["ids": Self.ids(["a", "b"]), "distribution": .string("round-robin")])])
        let f = RequestFactory(scenario: scenario, baseURL: "http://h", prompts: FixedPrompts())
        let r = f.make(sequence: 2)
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), #"{"max_tokens":4,"model":"a","prompt":"w2 w2 w2","stream":true,"stream_options":{"include_usage":true}}"#)
        XCTAssertEqual(r.inputWords, 3)
        let explicit = RequestFactory(scenario: scenario, baseURL: "http://h", prompts: RandomWordPrompts(scenario: scenario))
        let implicit = try RequestFactory(scenario: scenario, baseURL: "http://h")
        XCTAssertEqual((0..<20).map { explicit.make(sequence: $0).body }, (0..<20).map { implicit.make(sequence: $0).body })
    }

    func testRandomWordPromptsUseTheirOwnWordList() {
        let p = RandomWordPrompts(words: ["x"], lengths: 3...3)
        var draws = RequestDraws(seed: 1, sequence: 0, maxNew: .fixed(5), adapters: AdapterPicker(Scenario.Adapters(ids: [], distribution: .uniform, baseShare: 0)))
        let prompt = p.prompt(for: RequestSlot(sequence: 0), draws: &draws)
        XCTAssertEqual(prompt.inputWords, 3)
        XCTAssertEqual(prompt.content, .text("x x x"))
        XCTAssertEqual(prompt.maxNewTokens, 5)
        XCTAssertEqual(prompt.adapter, "")
    }
}
