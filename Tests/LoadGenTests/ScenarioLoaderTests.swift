import Foundation
@testable import LoadGen
import Stats
import XCTest

/// One fixture per class of mistake: each must give a clear message at its JSON path, all problems at once.
final class ScenarioLoaderTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Fixtures/scenarios")
    static let repo = root.deletingLastPathComponent()

    func issues(_ path: String, overrides: [String] = [], env: [String: String] = [:]) -> [String] {
        do {
            _ = try ScenarioLoader.load(path: path, overrides: overrides, environment: env)
            XCTFail("\(path) should be invalid")
            return []
        } catch let e as ScenarioError {
            return e.issues.map(\.description)
        } catch {
            XCTFail("unexpected error type \(error)")
            return []
        }
    }

    func invalid(_ name: String) -> [String] { issues(Self.fixtures.appendingPathComponent("invalid/\(name)").path) }

    func assertContains(_ issues: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(issues.contains { $0.contains(expected) }, "expected «\(expected)» in \(issues)", file: file, line: line)
    }

    func testEveryInvalidFixtureFailsWithItsPathAndReason() {
        let expected: [String: [String]] = [
            "wrong-types.json": ["concurrency: expected an integer, got a string \"ten\"", "think_time: expected a duration like \"30s\", got true",
                                 "seed: expected an integer, got a string \"x\""],
            "inverted-bounds.json": ["input_words: min (110) is greater than max (90)"],
            "negative-numbers.json": ["concurrency: expected an integer from 1 to 1000000, got -3", "max_new_tokens.min: expected an integer from 1"],
            "empty-adapters.json": ["adapters: an empty list"],
            "unknown-key.json": ["concurency: unknown key \"concurency\" (did you mean \"concurrency\"?)"],
            "huge-number.json": ["concurrency: expected an integer from 1 to 1000000, got 1e+300"],
            "bad-stage-duration.json": ["stages[1].duration: expected a duration like \"30s\", got \"abc\""],
            "missing-target.json": ["target: required"],
            "two-targets.json": ["target: expected only one of \"url\", \"gateway\" or \"simulator\""],
            "unset-env.json": ["target.url: environment variable LORABENCH_TEST_UNSET_VAR is not set"],
            "bad-api.json": ["target.api: expected one of \"lorax\", \"openai-completions\", \"openai-chat\", got \"grpc\""],
            "weights-mismatch.json": ["adapters.weights: expected 2 weights (one per adapter), got 1"],
            "truncated.json": ["not valid JSON"],
            "invalid-utf8.json": ["not valid UTF-8 (first bad byte at offset"],
            "not-an-object.json": ["expected an object, got an array"],
            "max-below-preallocated.json": ["max_vus: expected at least pre_allocated_vus (10), got 2"],
        ]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("invalid").path)) ?? []
        XCTAssertEqual(Set(files).subtracting(["bad-simulator.json"]), Set(expected.keys), "every fixture has expectations")
        for (name, messages) in expected {
            let found = invalid(name)
            for m in messages { assertContains(found, m) }
        }
        XCTAssertEqual(invalid("wrong-types.json").count, 3, "all problems reported together")
    }

    func testDirectoryMissingFileAndHugeFile() throws {
        assertContains(issues(Self.fixtures.path), "is a directory")
        assertContains(issues("/nonexistent/x.json"), "no such file")
        let big = NSTemporaryDirectory() + "huge-\(UUID().uuidString).json"
        FileManager.default.createFile(atPath: big, contents: nil)
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: big))
        try h.truncate(atOffset: 100 << 20)  // a 100 MB file (sparse)
        try h.close()
        defer { unlink(big) }
        assertContains(issues(big), "scenario files are limited to")
    }

    func testWordListMustBeARegularFileOfBoundedSize() throws {
        let doc = JSONValue.object(["target": .object(["url": .string("http://127.0.0.1:1")]), "duration": .string("1s"),
                                    "word_list": .string("/dev/zero")])
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "t.json", environment: [:])) {
            XCTAssertTrue("\($0)".contains("word_list: /dev/zero is not a regular file"), "\($0)")
        }
        let words = NSTemporaryDirectory() + "words-\(UUID().uuidString).txt"
        try "alpha beta\ngamma".write(toFile: words, atomically: true, encoding: .utf8)
        let ok = try ScenarioLoader.load(document: .object(["target": .object(["url": .string("http://127.0.0.1:1")]),
                                                            "duration": .string("1s"), "word_list": .string(words)]),
                                         file: "t.json", environment: [:])
        XCTAssertEqual(ok.wordList, ["alpha", "beta", "gamma"])
    }

    func testShippedScenariosAreValid() throws {
        for name in ["quickstart.json", "a100.json"] {
            let s = try ScenarioLoader.load(path: Self.repo.appendingPathComponent("scenarios/\(name)").path, environment: [:])
            XCTAssertFalse(s.name.isEmpty)
        }
        let a100 = try ScenarioLoader.load(path: Self.repo.appendingPathComponent("scenarios/a100.json").path, environment: ["LORAX_URL": "http://10.1.2.3:8080/"])
        guard case .url(let u) = a100.target.endpoint else { return XCTFail() }
        XCTAssertEqual(u, "http://10.1.2.3:8080")
        XCTAssertEqual(a100.adapters.ids.count, 25)
        XCTAssertEqual(a100.adapters.ids.first, "predibase/adapter-1")
        XCTAssertEqual(a100.inputWords, 90...110)
        XCTAssertEqual(a100.thinkTime, .seconds(1))
        XCTAssertEqual(a100.load.duration, .seconds(61))
        XCTAssertEqual(a100.target.authEnv, "LORAX_TOKEN")
    }

    func testOpenModelFixture() throws {
        let s = try ScenarioLoader.load(path: Self.fixtures.appendingPathComponent("valid/open-model.json").path, environment: [:])
        guard case .rampingArrivalRate(let start, let unit, let stages, _, let maxVUs) = s.load else { return XCTFail("\(s.load)") }
        XCTAssertEqual(start, 1); XCTAssertEqual(unit, .seconds(1)); XCTAssertEqual(stages.count, 1); XCTAssertEqual(maxVUs, 50)
        XCTAssertEqual(s.arrival, .poisson)
        XCTAssertEqual(s.adapters.distribution, .zipf(exponent: 1.2))
        XCTAssertEqual(s.adapters.baseShare, 0.1)
    }

    func testOverridesBySetPath() throws {
        let doc = JSONValue.object(["target": .object(["url": .string("http://127.0.0.1:1")]),
                                    "stages": .array([.object(["duration": .string("1s"), "target": .int(1)]),
                                                      .object(["duration": .string("5s"), "target": .int(2)])])])
        let s = try ScenarioLoader.load(document: doc, file: "t.json",
                                        overrides: ["stages[1].target=20", "target.url=http://127.0.0.1:9000", "think_time=250ms", "seed=7"],
                                        environment: [:])
        guard case .rampingVUs(_, let stages) = s.load else { return XCTFail() }
        XCTAssertEqual(stages[1].target, 20)
        guard case .url(let u) = s.target.endpoint else { return XCTFail() }
        XCTAssertEqual(u, "http://127.0.0.1:9000")
        XCTAssertEqual(s.thinkTime, .milliseconds(250))
        XCTAssertEqual(s.seed, 7)
        let replaced = try ScenarioLoader.load(document: doc, file: "t.json", overrides: [#"stages=[{"duration":"5s","target":8}]"#], environment: [:])
        XCTAssertEqual(replaced.load.duration, .seconds(5))
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "t.json", overrides: ["concurrency=oops"], environment: [:])) { e in
            XCTAssertTrue("\(e)".contains("concurrency: not used by ramping-vus"), "\(e)")
        }
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "t.json", overrides: ["nokeyvalue"], environment: [:]))
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "t.json", overrides: ["stages[9].target=1"], environment: [:]))
    }

    func testSecretHeadersAreRedactedInTheResolvedDocument() throws {
        let doc = JSONValue.object(["target": .object(["url": .string("http://127.0.0.1:1"),
                                                       "headers": .object(["X-Api-Key": .string("sekrit"), "X-Trace": .string("t")])]),
                                    "duration": .string("1s")])
        let s = try ScenarioLoader.load(document: doc, file: "t.json", environment: [:])
        let text = s.resolvedDocument.encodedString()
        XCTAssertFalse(text.contains("sekrit"))
        XCTAssertTrue(text.contains("\"X-Trace\":\"t\""))
        XCTAssertEqual(s.target.headers.first { $0.name == "X-Api-Key" }?.value, "sekrit", "the real value is still sent")
    }

    func testDurations() {
        XCTAssertEqual(DurationText.parse("1m30s"), .seconds(90))
        XCTAssertEqual(DurationText.parse("250ms"), .milliseconds(250))
        XCTAssertEqual(DurationText.parse("2h"), .seconds(7200))
        XCTAssertEqual(DurationText.parse("1.5"), .milliseconds(1500))
        XCTAssertNil(DurationText.parse("abc"))
        XCTAssertNil(DurationText.parse("10"+"x"))
        XCTAssertNil(DurationText.parse("-5s"))
        XCTAssertEqual(DurationText.format(.seconds(90)), "1m30s")
        XCTAssertEqual(DurationText.format(.milliseconds(250)), "250ms")
    }
}
