import Stats
import XCTest

/// Result CSVs read back as `CSVLineWriter` writes them: quoted commas, quotes and newlines, and the line of an error.
final class CSVRecordsTests: XCTestCase {
    func testRoundTripOfWhatTheWriterEscapes() throws {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "", "tab\there", "nul\u{0}byte"]
        let line = fields.map(CSVLineWriter.escape).joined(separator: ",") + "\n"
        let text = "h1,h2,h3,h4,h5,h6,h7\n" + line + "x,,,,,,\r\n"
        let records = try CSVRecords.parse(Array(text.utf8), source: "t.csv")
        XCTAssertEqual(records.map(\.line), [1, 2, 4], "the quoted newline moves the next record's line")
        XCTAssertEqual(records[1].fields, ["plain", "a,b", "say \"hi\"", "two\nlines", "", "tab\there", "nul\\u0000byte"])
        XCTAssertEqual(records[2].fields, ["x", "", "", "", "", "", ""], "CRLF ends a record too")
        XCTAssertEqual(try CSVRecords.parse(Array("a,b".utf8), source: "t.csv").map(\.fields), [["a", "b"]], "no final newline")
    }

    func testAnUnclosedQuoteNamesFileAndLine() {
        XCTAssertThrowsError(try CSVRecords.parse(Array("a\nb\n\"open,\nmore".utf8), source: "r.csv")) { e in
            XCTAssertEqual("\(e)", "r.csv:3: a quoted field is never closed")
        }
    }

    func testMillisecondsTextToMicroseconds() {
        XCTAssertEqual(CSVRecords.micros("12.345"), 12_345)
        XCTAssertEqual(CSVRecords.micros("-0.250"), -250)
        XCTAssertEqual(CSVRecords.micros("7"), 7000)
        XCTAssertEqual(CSVRecords.micros("1.5"), 1500)
        for bad in ["", "-", "1.", ".5", "1.2345", "1e3", "abc", "1,5", "+1", "9999999999999"] { XCTAssertNil(CSVRecords.micros(bad), bad) }
        XCTAssertEqual(CSVRecords.msText(-250), "-0.250")
        XCTAssertEqual(CSVRecords.msText(12_345), "12.345")
    }
}
