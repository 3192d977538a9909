import Foundation
@testable import LoadGen
import XCTest

/// Captured and hand-written SSE transcripts, decoded whole and split at every byte position.
final class SSEDecoderTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sse")

    func transcript(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func decode(_ chunks: [[UInt8]], max: Int = 1 << 20) throws -> [SSEDecoder.Item] {
        var d = SSEDecoder(maxEventBytes: max)
        var items: [SSEDecoder.Item] = []
        for c in chunks { try d.feed(c) { items.append($0) } }
        return items
    }

    func assertEverySplitMatches(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try transcript(name)
        let whole = try decode([bytes])
        XCTAssertFalse(whole.isEmpty, file: file, line: line)
        for cut in 0...bytes.count {
            XCTAssertEqual(try decode([Array(bytes[..<cut]), Array(bytes[cut...])]), whole, "split at \(cut)", file: file, line: line)
        }
        XCTAssertEqual(try decode(bytes.map { [$0] }), whole, "byte by byte", file: file, line: line)
    }

    func testEverySplitPointOfEveryTranscriptDecodesTheSame() throws {
        for name in ["lorax-native.sse", "lorax-error.sse", "lorax-v011-crlf.sse", "openai-chat.sse", "openai-completions.sse"] {
            try assertEverySplitMatches(name)
        }
    }

    func testNativeTranscriptGivesTokensThenFinalWithDetails() throws {
        let items = try decode([try transcript("lorax-native.sse")])
        let events = try items.compactMap { item -> StreamEvent? in
            guard case .data(let p) = item else { return nil }
            return try StreamEventParser.parse(p, api: .lorax)
        }
        XCTAssertEqual(events.count, 4)
        XCTAssertTrue(events.allSatisfy { $0.isToken && $0.hasText })
        XCTAssertEqual(events.map(\.isFinal), [false, false, false, true])
        XCTAssertEqual(events.last?.generatedTokens, 4)
        XCTAssertEqual(events.last?.promptTokens, 3)
        XCTAssertEqual(events.last?.finishReason, "length")
    }

    func testOldLoRAXWithoutSpaceWithCRLFAndKeepAliveComments() throws {
        let items = try decode([try transcript("lorax-v011-crlf.sse")])
        XCTAssertEqual(items.filter { $0 == .comment }.count, 2)
        let payloads = items.compactMap { if case .data(let p) = $0 { return p } else { return nil } }
        XCTAssertEqual(payloads.count, 2)
        XCTAssertEqual(payloads[0].first, UInt8(ascii: "{"), "no leading space is required after data:")
        let eos = try StreamEventParser.parse(payloads[1], api: .lorax)
        XCTAssertTrue(eos.isFinal)
        XCTAssertTrue(eos.isToken, "metrics.md: every native token event counts, special ones too")
        XCTAssertFalse(eos.hasText, "a special token (</s>) is not visible text")
        let empty = try StreamEventParser.parse(Array(#"{"token":{"id":2,"text":"","special":true},"generated_text":null}"#.utf8), api: .lorax)
        XCTAssertTrue(empty.isToken, "an empty special token is still a token the server generated")
        XCTAssertFalse(empty.hasText)
        XCTAssertEqual(eos.finishReason, "eos_token")
    }

    func testInStreamErrorEvent() throws {
        let items = try decode([try transcript("lorax-error.sse")])
        guard case .data(let p)? = items.first else { return XCTFail("no event") }
        let e = try StreamEventParser.parse(p, api: .lorax)
        XCTAssertEqual(e.errorType, "validation")
        XCTAssertEqual(e.errorMessage, "Input validation error: `inputs` cannot be empty")
    }

    func testOpenAIChunksAndDone() throws {
        for (name, api) in [("openai-chat.sse", Scenario.API.openaiChat), ("openai-completions.sse", .openaiCompletions)] {
            let events = try decode([try transcript(name)]).compactMap { item -> StreamEvent? in
                guard case .data(let p) = item else { return nil }
                return try StreamEventParser.parse(p, api: api)
            }
            XCTAssertEqual(events.count, 4, name)
            XCTAssertEqual(events.filter(\.isToken).count, 3, name)
            XCTAssertEqual(events.last?.isFinal, true, name)
            XCTAssertEqual(events[2].generatedTokens, 3, "usage on the final chunk: \(name)")
            XCTAssertNil(events[0].generatedTokens, "zero usage on early completion chunks is not a count: \(name)")
        }
    }

    func testMultiLineDataIsJoinedAndCRAloneEndsLines() throws {
        let items = try decode([Array("data: a\rdata: b\r\rdata: c\n\n".utf8)])
        XCTAssertEqual(items, [.data(Array("a\nb".utf8)), .data(Array("c".utf8))])
    }

    func testOtherFieldsAreIgnoredAndEmptyEventsNotEmitted() throws {
        let items = try decode([Array("event: x\nid: 3\nretry: 10\n\ndata:\n\n".utf8)])
        XCTAssertEqual(items, [.data([])])
    }

    func testOversizedEventIsRejectedWithBoundedMemory() {
        let big = Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 5000)
        XCTAssertThrowsError(try decode([big], max: 4096)) { XCTAssertEqual($0 as? SSEDecoder.EventTooLarge, .init(limit: 4096)) }
        let lines = Array(String(repeating: "data: 0123456789\n", count: 400).utf8)
        XCTAssertThrowsError(try decode([lines], max: 4096), "many short data lines of one event also count")
    }

    func testMalformedPayloadsAreProtocolErrors() {
        XCTAssertThrowsError(try StreamEventParser.parse(Array("{broken".utf8), api: .lorax))
        XCTAssertThrowsError(try StreamEventParser.parse(Array("[1,2]".utf8), api: .lorax))
        XCTAssertThrowsError(try StreamEventParser.parse(Array("{\"x\":1}".utf8), api: .lorax))
        XCTAssertThrowsError(try StreamEventParser.parse(Array("[DONE]".utf8), api: .lorax), "native streams send no [DONE]")
        XCTAssertThrowsError(try StreamEventParser.parse([0xFF, 0xFE, 0x00], api: .openaiChat))
    }

    /// The scanner's fast paths (whitespace, plain string bytes, literals) stay as strict as JSON itself.
    func testTheTokenEventScannerRejectsWhatJSONRejects() throws {
        let good = #"{"token":{"id":1,"text":" a\"b\u00e9","logprob":-0.5,"special":false},"generated_text":null,"details":null}"#
        let e = try StreamEventParser.parse(Array(good.utf8), api: .lorax)
        XCTAssertTrue(e.isToken && e.hasText && !e.isFinal)
        let spaced = try StreamEventParser.parse(Array(" {\t\"token\" :\n{ \"text\" : \"\" , \"special\" : true } , \"generated_text\" : \"x\" }\r\n".utf8), api: .lorax)
        XCTAssertTrue(spaced.isToken && !spaced.hasText && spaced.isFinal)
        for bad in [#"{"token":{"special":fals},"generated_text":null}"#, #"{"token":{"special":falsey},"generated_text":null}"#,
                    #"{"token":{},"generated_text":nul}"#, #"{"token":{},"generated_text":nulll}"#,
                    "{\"token\":{\"text\":\"a\u{01}b\"}}", #"{"token":{"text":"a\qb"}}"#, #"{"token":{"text":"a\u12G4"}}"#,
                    #"{"token":{"text":"abc}}"#, #"{"token":{"text":"abc\"}}"#, #"{"token":{"special":tru"#] {
            XCTAssertThrowsError(try StreamEventParser.parse(Array(bad.utf8), api: .lorax), bad) {
                XCTAssertTrue($0 is StreamEventParser.Malformed, "\(bad): \($0)")
            }
        }
    }
}

/// The per-token path hands out views of the input instead of copies; it must see exactly the same events.
final class SSEPayloadViewTests: XCTestCase {
    func testViewsMatchCopiedPayloadsAtEverySplit() throws {
        let stream = Array("data: one\n\n: keep-alive\r\ndata:two\r\ndata: lines\r\n\r\ndata: {\"x\":1}\rdata\r\r\n\ndata: last\n\n".utf8)
        var whole = SSEDecoder()
        var expected: [[UInt8]] = []
        try whole.feed(stream) { if case .data(let p) = $0 { expected.append(p) } }
        XCTAssertEqual(expected.map { String(decoding: $0, as: UTF8.self) }, ["one", "two\nlines", "{\"x\":1}\n", "last"])
        for cut in 0...stream.count {
            for cut2 in [cut, min(stream.count, cut + 3)] {
                var d = SSEDecoder()
                var got: [[UInt8]] = []
                for part in [stream[..<cut], stream[cut..<cut2], stream[cut2...]] {
                    try Array(part).withUnsafeBytes { try d.feedPayloads($0) { got.append(Array($0)) } }
                }
                XCTAssertEqual(got, expected, "split at \(cut), \(cut2)")
            }
        }
    }

    func testOversizedLineIsRefusedOnTheViewPathToo() {
        var d = SSEDecoder(maxEventBytes: 16)
        let line = Array(("data: " + String(repeating: "x", count: 40) + "\n\n").utf8)
        XCTAssertThrowsError(try line.withUnsafeBytes { try d.feedPayloads($0) { _ in } }) {
            XCTAssertEqual($0 as? SSEDecoder.EventTooLarge, .init(limit: 16))
        }
    }
}
