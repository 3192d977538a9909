@testable import LoadGen
import XCTest

/// The per-token JSON scanner's string and key rules: what is accepted, what is malformed, and which bytes a key
/// compares (it reads through a raw pointer and compares keys with memcmp, so edges are pinned here).
final class JSONScannerTests: XCTestCase {
    private func rawString(_ json: String) throws -> [UInt8] {
        try Array(json.utf8).withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            let raw = try s.readRawString()
            XCTAssertTrue(s.atEnd(), json)
            return Array(raw)
        }
    }

    private func isMalformed(_ json: String) -> Bool {
        Array(json.utf8).withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            do { try s.skipValue(); return !s.atEnd() } catch { return error is JSONScanner.Malformed }
        }
    }

    func testStringsComeBackRawBetweenTheQuotes() throws {
        XCTAssertEqual(try rawString(#""""#), [])
        XCTAssertEqual(try rawString(#"  "a b""#), Array("a b".utf8))
        XCTAssertEqual(try rawString(#""\"\\\/\b\f\n\r\t""#), Array(#"\"\\\/\b\f\n\r\t"#.utf8))
        XCTAssertEqual(try rawString(#""\u00e9\uD83D\uDE00x""#), Array(#"\u00e9\uD83D\uDE00x"#.utf8))
        XCTAssertEqual(try rawString("\"é 漢字 😀\""), Array("é 漢字 😀".utf8))
        XCTAssertEqual(try rawString("\"a long plain string over several words, as token texts and keys are\""),
                       Array("a long plain string over several words, as token texts and keys are".utf8))
    }

    func testBadStringsAreMalformed() {
        for bad in ["\"", "\"abc", #""\"#, #""\x""#, #""\u12""#, #""\u12G4""#, #""\u""#, "\"a\u{01}b\"", "\"tab\there\"",
                    "\"line\nbreak\"", "\"\u{1F}\"", #"'single'"#, ""] {
            XCTAssertTrue(isMalformed(bad), "accepted \(bad.debugDescription)")
        }
        XCTAssertFalse(isMalformed("\"\u{7F} and é are allowed\""))
    }

    /// Strings are scanned a word at a time: every position of a quote, escape, control byte or multi-byte character
    /// inside and across words must be seen exactly where it is.
    func testEveryPositionOfASpecialByteIsSeen() throws {
        for k in 0..<20 {
            let a = String(repeating: "a", count: k), tail = String(repeating: "b", count: 19 - k)
            XCTAssertEqual(try rawString("\"\(a)\"  "), Array(a.utf8), "quote after \(k)")
            XCTAssertEqual(try rawString("\"\(a)\\n\\\"\(tail)\""), Array("\(a)\\n\\\"\(tail)".utf8), "escapes after \(k)")
            XCTAssertEqual(try rawString("\"\(a)é漢\(tail)\""), Array("\(a)é漢\(tail)".utf8), "UTF-8 after \(k)")
            XCTAssertTrue(isMalformed("\"\(a)\u{01}\(tail)\""), "control byte after \(k)")
            XCTAssertTrue(isMalformed("\"\(a)\n\(tail)\""), "newline after \(k)")
            XCTAssertTrue(isMalformed("\"\(a)\\q\(tail)\""), "bad escape after \(k)")
            XCTAssertTrue(isMalformed("\"\(a)\(tail)"), "unterminated, \(k) + \(19 - k) bytes")
        }
    }

    func testEmptyInputHasNoValue() throws {
        try [UInt8]().withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            XCTAssertNil(s.peek())
            s.skipWhitespace()
            XCTAssertTrue(s.atEnd())
            XCTAssertThrowsError(try s.readRawString())
        }
    }

    func testKeysCompareEveryByteAndTheLength() throws {
        let json = #"{"token":1,"tokem":2,"toke":3,"tokens":4,"":5,"TOKEN":6}"#
        var matched: [Int] = []
        try Array(json.utf8).withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            try s.readObject { s, key in
                let v = try s.readInt() ?? -1
                if key.isKey("token") { matched.append(v) }
                if key.isKey("") { matched.append(-v) }
            }
        }
        XCTAssertEqual(matched, [1, -5])
    }
}
