import Foundation
import Stats
import XCTest

/// JSONWriter's bytes: Foundation's (`encodedString()`) for every finite value, valid JSON that parses back to the
/// same value, RFC 8259 string escapes, exact integers, round-tripping doubles.
final class JSONWriterTests: XCTestCase {
    private func text(_ v: JSONValue) -> String { String(decoding: JSONWriter.bytes(v), as: UTF8.self) }

    /// Same value, numbers compared by what they are (`1.0` is written `1` and reads back as an integer).
    private func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.double, _), (_, .double): return a.number.map { $0.bitPattern } == b.number.map { $0.bitPattern }
            || (a.number == 0 && b.number == 0)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)): return x.keys == y.keys && x.allSatisfy { same($0.value, y[$0.key]!) }
        default: return a == b
        }
    }

    func testScalarsAndContainers() {
        XCTAssertEqual(text(.null), "null")
        XCTAssertEqual(text(.bool(true)) + text(.bool(false)), "truefalse")
        XCTAssertEqual(text(.int(0)) + " " + text(.int(-7)) + " " + text(.int(.max)) + " " + text(.int(.min)),
                       "0 -7 9223372036854775807 -9223372036854775808")
        XCTAssertEqual(text(.array([])), "[]")
        XCTAssertEqual(text(.object([:])), "{}")
        XCTAssertEqual(text(.object(["b": .array([.int(1), .null]), "a": .object(["z": .bool(true), "y": .string("")])])),
                       #"{"a":{"y":"","z":true},"b":[1,null]}"#)
    }

    func testStringsAreEscapedAsRFC8259Wants() {
        XCTAssertEqual(text(.string("quote\" back\\ slash/ nl\n cr\r tab\t bs\u{08} ff\u{0C} nul\u{0} us\u{1F} del\u{7F}")),
                       #""quote\" back\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del"# + "\u{7F}\"")
        XCTAssertEqual(text(.string("café, 😀, e\u{301}, \u{2028}")), "\"café, 😀, e\u{301}, \u{2028}\"")
        XCTAssertEqual(JSONEscape.quoted("a\"b\u{1}"), #""a\"b\u0001""#)
        var s = "x="
        JSONEscape.append("\n", to: &s)
        XCTAssertEqual(s, #"x="\n""#)
    }

    func testKeysAreSortedByTheirBytesAsFoundationSortsThem() {
        let keys = ["B", "a", "_", "a10", "a9", "é", "e", "Z", "z", "aB", "ab", "A", "a_b", "ab_", "1", "10", "9", "😀", "Å", "a b"]
        let v = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, JSONValue.int(Int64($0))) }))
        XCTAssertEqual(text(v), v.encodedString())
        XCTAssertTrue(text(v).hasPrefix(#"{"1":14,"10":15,"9":16,"A":11,"B":0,"Z":7,"_":2,"a":1,"a b":19,"#))
    }

    func testDoublesRoundTripInFoundationsForm() throws {
        let ds: [Double] = [0, -0.0, 1, -1, 1.5, 0.1, 0.7, 1e15, 2.5e15, 1e16, 1e20, 1e21, 1e22, 1e-5, 1e-7, 123456789012345678,
                            5e-324, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                            0.30000000000000004, 100, -3.25, 9007199254740993]
        for d in ds {
            let t = text(.double(d))
            XCTAssertEqual(t, JSONValue.double(d).encodedString(), "\(d)")
            let back = try JSONValue.parse(Data(t.utf8))
            XCTAssertEqual(back.number?.bitPattern == d.bitPattern || (d == 0 && back.number == 0), true, "\(d) -> \(t) -> \(back)")
        }
        XCTAssertEqual(text(.double(1)), "1")
        XCTAssertEqual(text(.double(1e-7)), "1e-07")
    }

    func testNonFiniteDoublesAreWrittenNullSoTheOutputStaysJSON() throws {
        let v = JSONValue.object(["t": .double(.nan), "u": .array([.double(.infinity), .double(-.infinity), .int(1)])])
        XCTAssertEqual(text(v), #"{"t":null,"u":[null,null,1]}"#)
        XCTAssertNoThrow(try JSONValue.parse(Data(JSONWriter.bytes(v))))
    }

    func testRandomDocumentsAreFoundationsBytesAndParseBack() throws {
        var x: UInt64 = 99
        func next() -> UInt64 { x = x &* 6364136223846793005 &+ 1442695040888963407; return x >> 11 }
        let pieces = ["a", "Z", "_", " ", ",", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "e\u{301}", "\u{2028}", "{", "]"]
        func string() -> String { (0..<Int(next() % 6)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined() }
        func double() -> Double {
            let d = Double(bitPattern: next() << 11 | next() % 2048)
            return d.isFinite ? d : Double(next() % 1000) / 8
        }
        func value(_ depth: Int) -> JSONValue {
            switch next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(next() % 2 == 0)
            case 2: return .int(Int64(bitPattern: next() << 11 | next()) >> (next() % 64))
            case 3: return .double(double())
            case 4: return .string(string())
            case 5: return .array((0..<Int(next() % 4)).map { _ in value(depth + 1) })
            default:
                var o: [String: JSONValue] = [:]
                for _ in 0..<Int(next() % 4) { o[string()] = value(depth + 1) }
                return .object(o)
            }
        }
        for i in 0..<1500 {
            let v = value(0)
            let bytes = JSONWriter.bytes(v)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), v.encodedString(), "document \(i)")
            let back = try JSONValue.parse(Data(bytes))
            XCTAssertTrue(same(back, v), "document \(i): \(v) came back as \(back)")
        }
    }
}
