import Foundation
import Stats
import XCTest

final class CSVWriterTests: XCTestCase {
    func testRowsAreEscapedAndFileAppearsOnlyWhenFinished() throws {
        let dir = NSTemporaryDirectory() + "csvtest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/x.csv"
        let w = try CSVLineWriter(path: path, header: ["a", "b"])
        w.append(["plain", "has,comma"])
        w.append(["quote\"d", "line\nbreak"])
        try w.flush()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the final name appears only after finish()")
        try w.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, "a,b\nplain,\"has,comma\"\n\"quote\"\"d\",\"line\nbreak\"\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
    }

    func testRequestRowFormatsMillisecondsWithThreeDecimals() {
        XCTAssertEqual(RequestsCSV.msText(1_234_567), "1234.567")
        XCTAssertEqual(RequestsCSV.msText(5), "0.005")
        XCTAssertEqual(RequestsCSV.msText(50), "0.050")
        let r = RequestRecord(sequence: 3, vu: 2, adapter: "org/a", cold: true, intendedMicros: 10_000, sentMicros: 10_500,
                              firstTokenMicros: 60_500, endMicros: 110_500, tokenEvents: 3, outputTokens: 3, inputWords: 9,
                              maxNewTokens: 3, status: 200, finishReason: "length")
        let row = RequestsCSV.row(r, windowStartMicros: 10_000)
        XCTAssertEqual(row.count, RequestsCSV.header.count)
        let byName = Dictionary(uniqueKeysWithValues: zip(RequestsCSV.header, row))
        XCTAssertEqual(byName["sent_ms"], "0.500")
        XCTAssertEqual(byName["ttft_ms"], "50.000")
        XCTAssertEqual(byName["tpot_ms"], "25.000")
        XCTAssertEqual(byName["e2e_ms"], "100.000")
        XCTAssertEqual(byName["cold"], "1")
        XCTAssertEqual(byName["error_class"], "")
    }

    func testAtomicWriteLeavesNoTemporaryFile() throws {
        let dir = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(Data("{}".utf8), to: dir + "/s.json")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["s.json"])
        XCTAssertThrowsError(try AtomicFile.write(Data(), to: dir + "/missing/s.json"))
    }
}
