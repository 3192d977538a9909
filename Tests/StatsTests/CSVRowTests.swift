import Foundation
@testable import Stats
import XCTest

/// CSVRow's bytes: RFC 4180 quoting, visible control characters, numbers without `String`, and the requests.csv
/// row it writes equal to its cells escaped and joined as before.
final class CSVRowTests: XCTestCase {
    private func row(_ fill: (inout CSVRow) -> Void) -> String {
        var r = CSVRow()
        fill(&r)
        return String(decoding: r.takeBytes(), as: UTF8.self)
    }

    /// The escaping CSVLineWriter.escape had before CSVRow, kept here as the reference.
    private func referenceEscape(_ s: String) -> String {
        var quote = false, control = false
        for c in s.utf8 {
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { quote = true } else if c < 0x20 && c != 0x09 || c == 0x7F { control = true }
        }
        var t = s
        if control {
            t = String(String.UnicodeScalarView(s.unicodeScalars.flatMap { u -> [Unicode.Scalar] in
                guard (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || u.value == 0x7F else { return [u] }
                let hex = String(u.value, radix: 16)
                return Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            }))
        }
        guard quote else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func testTextFieldsAreQuotedAndEscapedAsRFC4180Wants() {
        XCTAssertEqual(row { $0.text("plain") }, "plain")
        XCTAssertEqual(row { $0.text("has,comma") }, "\"has,comma\"")
        XCTAssertEqual(row { $0.text("say \"hi\"") }, "\"say \"\"hi\"\"\"")
        XCTAssertEqual(row { $0.text("line\nbreak") }, "\"line\nbreak\"")
        XCTAssertEqual(row { $0.text("cr\rhere") }, "\"cr\rhere\"")
        XCTAssertEqual(row { $0.text("tab\tstays") }, "tab\tstays")
        XCTAssertEqual(row { $0.text("nul\u{0}bell\u{7}us\u{1F}del\u{7F}") }, "nul\\u0000bell\\u0007us\\u001fdel\\u007f")
        XCTAssertEqual(row { $0.text("both\u{1},\"") }, "\"both\\u0001,\"\"\"")
        XCTAssertEqual(row { $0.text("café 😀 ü, ok") }, "\"café 😀 ü, ok\"")
        XCTAssertEqual(row { $0.text("") }, "")
        XCTAssertEqual(row { $0.text(utf8: Array("a,b".utf8)) }, "\"a,b\"")
    }

    func testFieldsAreSeparatedAndNumbersWrittenAsDecimals() {
        XCTAssertEqual(row { r in r.int(0); r.int(-42); r.int(Int.max); r.int(Int.min); r.int(nil as Int?) },
                       "0,-42,9223372036854775807,-9223372036854775808,")
        XCTAssertEqual(row { r in r.ms(0); r.ms(5); r.ms(50); r.ms(1_234_567); r.ms(999, negative: true); r.ms(nil as UInt64?) },
                       "0.000,0.005,0.050,1234.567,-0.999,")
        XCTAssertEqual(row { r in r.ms(UInt64.max) }, RequestsCSV.msText(UInt64.max))
        XCTAssertEqual(row { r in r.empty(); r.empty() }, ",")
        XCTAssertEqual(row { r in r.text(nil as String?); r.text("x") }, ",x")
    }

    func testEscapeMatchesTheFormerStringEscapingOnAwkwardText() {
        let pieces = ["a", ",", "\"", "\n", "\r", "\r\n", "\t", "\u{0}", "\u{1B}", "\u{7F}", "é", "e\u{301}", "😀", "👩‍👩‍👧", " ", "\\", "\u{2028}"]
        var x: UInt64 = 12345
        for _ in 0..<2000 {
            var s = ""
            x = x &* 6364136223846793005 &+ 1442695040888963407
            for k in 0..<Int(x >> 60) { s += pieces[Int((x >> UInt64(4 * k)) % UInt64(pieces.count))] }
            XCTAssertEqual(CSVLineWriter.escape(s), referenceEscape(s), "for \(s.debugDescription)")
        }
    }

    func testRequestRowBytesAreItsCellsEscapedAndJoined() throws {
        var r = RequestRecord(sequence: 12, vu: 3, adapter: "org/a,\"b\"", cold: false, intendedMicros: 900, sentMicros: 10_500,
                              firstTokenMicros: 60_500, endMicros: 110_500, tokenEvents: 3, outputTokens: 3, inputWords: 9,
                              inputTokens: 17, maxNewTokens: 3, status: 500, finishReason: "length", errorClass: .stream,
                              errorType: "overloaded", errorMessage: "line one\nline two\u{0} é", requestId: "req-1")
        r.firstTextMicros = 61_000
        r.clientRequestId = "run-12"
        r.implausibleServerTokens = -4
        r.origin = RequestOrigin(line: 7, session: "s,1", turn: 2, prefixGroup: 4, prefixFirst: true)
        r.traceOffsetMicros = 1234
        r.servedAdapter = "org/other"
        r.connectMicros = 77
        for r in [r, RequestRecord(sequence: 0, vu: 0, adapter: "", cold: true, intendedMicros: 5, sentMicros: 5, endMicros: 5,
                                   inputWords: 1, maxNewTokens: 1, status: 0)] {
            let cells = RequestsCSV.row(r, windowStartMicros: 1000)
            XCTAssertEqual(cells.count, RequestsCSV.header.count)
            let bytes = row { RequestsCSV.write(r, windowStartMicros: 1000, to: &$0) }
            XCTAssertEqual(bytes, cells.map(referenceEscape).joined(separator: ","))
        }
        let cells = RequestsCSV.row(r, windowStartMicros: 1000)
        XCTAssertEqual(cells[5], "-0.100")  // intended before the window's start
        XCTAssertEqual(cells[RequestsCSV.header.firstIndex(of: "implausible_server_tokens")!], "-4")
    }

    func testWriterRowsFromBytesAndFromStringsAreTheSameFile() throws {
        let dir = NSTemporaryDirectory() + "csvrow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try CSVLineWriter(path: dir + "/a.csv", header: ["x", "y"])
        let b = try CSVLineWriter(path: dir + "/b.csv", header: ["x", "y"])
        for i in 0..<5000 {  // past the 64 KiB flush threshold
            a.append([String(i), "v,\(i)\n"])
            b.appendRow { r in r.int(i); r.text("v,\(i)\n") }
        }
        try a.finish()
        try b.finish()
        let ta = try String(contentsOfFile: dir + "/a.csv", encoding: .utf8), tb = try String(contentsOfFile: dir + "/b.csv", encoding: .utf8)
        XCTAssertEqual(ta, tb)
        XCTAssertEqual(a.rows, 5001)
        XCTAssertTrue(ta.hasSuffix("4999,\"v,4999\n\"\n"))
    }
}
