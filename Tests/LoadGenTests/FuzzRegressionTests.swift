import Foundation
@testable import LoadGen
import Stats
import XCTest

/// Inputs found by libFuzzer (scripts/fuzz.sh) that crashed or misread the decoders, kept as regressions.
final class FuzzRegressionTests: XCTestCase {
    private func native(details: String) -> [UInt8] {
        Array(#"{"token":{"id":1,"text":" a","special":false},"generated_text":"a","details":{\#(details)}}"#.utf8)
    }

    private func counts(_ json: String) throws -> Int? {
        try Array(json.utf8).withUnsafeBytes { raw in
            var s = JSONScanner(raw)
            return try s.readInt()
        }
    }

    /// fuzz-sse crash: `"prompt_tokens":0-9223372036854775808` trapped on `-Int.min` (arithmetic overflow).
    func testMinimumIntAndOverflowingCountsDoNotTrap() throws {
        XCTAssertEqual(try counts("-9223372036854775808"), Int.min)
        XCTAssertEqual(try counts("9223372036854775807"), Int.max)
        XCTAssertNil(try counts("9223372036854775808"))
        XCTAssertNil(try counts("-9223372036854775809"))
        XCTAssertNil(try counts("123456789012345678901234567890"))
        let e = try StreamEventParser.parse(native(details: #""generated_tokens":-9223372036854775808,"prompt_tokens":99999999999999999999"#),
                                            api: .lorax)
        XCTAssertEqual(e.generatedTokens, Int.min)
        XCTAssertNil(e.promptTokens)
        XCTAssertTrue(e.isFinal)
    }

    /// The same input showed the scanner took `0-9…` for a number; JSON's number grammar is now checked.
    func testMalformedNumbersAreProtocolErrors() {
        for bad in ["0-9223372036854775808", "--1", "1-", "1e", "1.", ".5", "+1", "1e5e5", "01", "-", "1.2.3", "0x10"] {
            XCTAssertThrowsError(try StreamEventParser.parse(native(details: #""generated_tokens":\#(bad)"#), api: .lorax), bad) {
                XCTAssertTrue($0 is StreamEventParser.Malformed, "\(bad): \($0)")
            }
            XCTAssertThrowsError(try StreamEventParser.parse(Array(#"{"token":{"id":1,"logprob":\#(bad)}}"#.utf8), api: .lorax), bad)
        }
    }

    func testWellFormedNumbersStillParse() throws {
        for (text, want) in [("0", 0), ("-0", 0), ("42", 42), ("1.5", nil), ("1e3", nil), ("-2.5E-3", nil), ("1E+2", nil)] as [(String, Int?)] {
            let e = try StreamEventParser.parse(native(details: #""generated_tokens": \#(text) ,"prompt_tokens":3"#), api: .lorax)
            XCTAssertEqual(e.generatedTokens, want, text)
            XCTAssertEqual(e.promptTokens, 3, text)
        }
        let chunk = #"{"choices":[{"text":"x","logprobs":{"v":[-1.25e-05,0,3]}}],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#
        let e = try StreamEventParser.parse(Array(chunk.utf8), api: .openaiCompletions)
        XCTAssertEqual(e.generatedTokens, 7)
        XCTAssertEqual(e.promptTokens, 5)
    }
}

/// Found by reading DurationText while writing the scenario harness: a duration string that parses as a huge
/// number of seconds ("1e20") trapped converting to Int64 instead of being reported as an invalid duration.
final class DurationTextRegressionTests: XCTestCase {
    func testHugeNumericDurationStringsAreInvalidNotATrap() throws {
        for text in ["1e20", "9223372036854776", "1e300", "1000000000"] {
            XCTAssertNil(DurationText.parse(text), text)
        }
        XCTAssertEqual(DurationText.parse("999999999"), .seconds(999_999_999))
        XCTAssertEqual(DurationText.parse("1.5"), .milliseconds(1500))
        let doc: JSONValue = .object(["target": .object(["url": .string("http://127.0.0.1:1")]), "vus": .int(1),
                                      "duration": .string("1e20")])
        XCTAssertThrowsError(try ScenarioLoader.load(document: doc, file: "t.json", environment: [:])) { error in
            XCTAssertEqual((error as? ScenarioError)?.issues.map(\.path), ["duration"], "\(error)")
        }
    }
}
