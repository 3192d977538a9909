@testable import LoadGen
import XCTest

/// Issue 10, clearer errors: duplicate keys in a scenario are refused with their path; deep nesting says so.
final class JSONKeyCheckTests: XCTestCase {
    func check(_ text: String) -> JSONKeyCheck.Finding? { JSONKeyCheck.check(Array(text.utf8)) }

    func testDuplicateKeysAreFoundWithTheirPath() {
        XCTAssertNil(check(#"{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}"#))
        XCTAssertEqual(check(#"{"a":1,"a":2}"#)?.path, "a")
        XCTAssertEqual(check(#"{"target":{"url":"x","api":"lorax","url":"y"}}"#)?.path, "target.url")
        XCTAssertEqual(check(#"{"s":[{"k":1},{"k":1,"k":2}]}"#)?.path, "s[1].k")
        XCTAssertNil(check(#"{"a":"{\"a\":1,\"a\":2}","b":"x\\"}"#), "braces and quotes inside strings are text")
    }

    func testNestingPastTheParsersLimitIsNamed() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        XCTAssertTrue(check(deep)?.message.contains("nested deeper than 512 levels") ?? false)
        XCTAssertNil(check(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)))
        let path = NSTemporaryDirectory() + "deep-\(UUID().uuidString).json"
        try #"{"name":"d","parameters":{"x":\#(deep)}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScenarioLoader.readDocument(path)) { e in
            XCTAssertTrue("\(e)".contains("nested deeper than 512 levels"), "\(e)")
        }
        let dup = NSTemporaryDirectory() + "dup-\(UUID().uuidString).json"
        try #"{"name":"d","duration":"1s","duration":"2s"}"#.write(toFile: dup, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScenarioLoader.readDocument(dup)) { e in
            XCTAssertTrue("\(e)".contains("duration: given twice in one object"), "\(e)")
        }
    }
}
