@testable import LoadGen
import XCTest

/// Issue 10 item 5: a UTF-8 BOM at the start of a stream is skipped once (SSE spec), however the bytes are split.
final class SSEBOMTests: XCTestCase {
    func decode(_ chunks: [[UInt8]]) throws -> [SSEDecoder.Item] {
        var d = SSEDecoder()
        var items: [SSEDecoder.Item] = []
        for c in chunks { try d.feed(c) { items.append($0) } }
        return items
    }

    let stream = Array("data: one\n\ndata: two\n\n".utf8)
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    func testALeadingBOMDoesNotDropTheFirstEvent() throws {
        let expected: [SSEDecoder.Item] = [.data(Array("one".utf8)), .data(Array("two".utf8))]
        XCTAssertEqual(try decode([bom + stream]), expected)
        XCTAssertEqual(try decode((bom + stream).map { [$0] }), expected, "split byte by byte")
        XCTAssertEqual(try decode([[0xEF], [0xBB, 0xBF, 0x64], Array(stream.dropFirst())]), expected)
        XCTAssertEqual(try decode([stream]), expected, "no BOM: unchanged")
        XCTAssertEqual(try decode(stream.map { [$0] }), expected)
    }

    func testOnlyOneBOMAtTheVeryStartIsSkipped() throws {
        // A second BOM makes the first line "\u{FEFF}data: one", which is not a data line (as in browsers).
        XCTAssertEqual(try decode([bom + bom + stream]), [.data(Array("two".utf8))])
        // Bytes that only begin like a BOM are kept.
        XCTAssertEqual(try decode([[0xEF], Array(": c\n".utf8) + stream]), [.data(Array("one".utf8)), .data(Array("two".utf8))])
    }
}
