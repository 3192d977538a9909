import Foundation
@testable import LoadGen
import XCTest

/// Each dialect reading the captured transcripts in Tests/Fixtures/sse through the SSE decoder, as the transport does.
final class DialectTranscriptTests: XCTestCase {
    /// What one transcript amounts to for the measurement.
    struct Reading: Equatable {
        var events = 0
        var tokenEvents = 0
        /// Index (among all events) of the first token event: the one that stamps t_first_token.
        var firstTokenIndex: Int?
        /// Index of the first event with visible text: t_first_text.
        var firstTextIndex: Int?
        var finalIndex: Int?
        var generatedTokens: Int?
        var promptTokens: Int?
        var finishReason: String?
        var errorType: String?
        var comments = 0
    }

    func read(_ name: String, _ dialect: some APIDialect, splitEvery step: Int? = nil) throws -> Reading {
        let bytes = Array(try Data(contentsOf: SSEDecoderTests.fixtures.appendingPathComponent(name)))
        var decoder = SSEDecoder()
        var r = Reading()
        let chunks = step.map { s in stride(from: 0, to: bytes.count, by: s).map { Array(bytes[$0..<min($0 + s, bytes.count)]) } } ?? [bytes]
        for chunk in chunks {
            try decoder.feed(chunk) { item in
                guard case .data(let payload) = item else { r.comments += 1; return }
                let e = try dialect.parse(payload)
                if e.isToken { r.tokenEvents += 1 }
                if e.isToken, r.firstTokenIndex == nil { r.firstTokenIndex = r.events }
                if e.hasText, r.firstTextIndex == nil { r.firstTextIndex = r.events }
                if e.isFinal, r.finalIndex == nil { r.finalIndex = r.events }
                if let g = e.generatedTokens { r.generatedTokens = g }
                if let p = e.promptTokens { r.promptTokens = p }
                if let f = e.finishReason { r.finishReason = f }
                if let t = e.errorType { r.errorType = t }
                r.events += 1
            }
        }
        return r
    }

    func testNativeTranscript() throws {
        let r = try read("lorax-native.sse", LoraxDialect())
        XCTAssertEqual(r, Reading(events: 4, tokenEvents: 4, firstTokenIndex: 0, firstTextIndex: 0, finalIndex: 3, generatedTokens: 4,
                                  promptTokens: 3, finishReason: "length"))
        XCTAssertEqual(try read("lorax-native.sse", LoraxDialect(), splitEvery: 7), r, "the same read from 7-byte chunks")
    }

    func testOldNativeTranscriptWithCRLFAndKeepAlives() throws {
        let r = try read("lorax-v011-crlf.sse", LoraxDialect())
        XCTAssertEqual(r, Reading(events: 2, tokenEvents: 2, firstTokenIndex: 0, firstTextIndex: 0, finalIndex: 1, generatedTokens: 2,
                                  promptTokens: 7, finishReason: "eos_token", comments: 2))
    }

    func testNativeErrorTranscript() throws {
        let r = try read("lorax-error.sse", LoraxDialect())
        XCTAssertEqual(r, Reading(events: 1, errorType: "validation"))
    }

    func testOpenAITranscripts() throws {
        let want = Reading(events: 4, tokenEvents: 3, firstTokenIndex: 0, firstTextIndex: 0, finalIndex: 3, generatedTokens: 3, promptTokens: 2, finishReason: "length")
        XCTAssertEqual(try read("openai-completions.sse", OpenAICompletionsDialect()), want, "[DONE] is final but not a token")
        XCTAssertEqual(try read("openai-chat.sse", OpenAIChatDialect()), want, "usage only on the last chunk")
        XCTAssertEqual(try read("openai-chat.sse", OpenAIChatDialect(), splitEvery: 5), want)
    }

    func testVLLMCompletionsEmptyFirstChunkMergedTokensAndUsageChunk() throws {
        let r = try read("vllm-completions.sse", OpenAICompletionsDialect())
        XCTAssertEqual(r, Reading(events: 5, tokenEvents: 3, firstTokenIndex: 0, firstTextIndex: 1, finalIndex: 4, generatedTokens: 54,
                                  promptTokens: 12, finishReason: "length"),
                       "the empty first chunk is the first token (as vLLM's TTFT counts it); 54 tokens came in 3 chunks; usage from the choice-less chunk")
        XCTAssertEqual(try read("vllm-completions.sse", OpenAICompletionsDialect(), splitEvery: 3), r)
    }

    func testVLLMChatRoleChunkIsNotATokenButAnEmptyContentChunkIs() throws {
        let r = try read("vllm-chat.sse", OpenAIChatDialect())
        XCTAssertEqual(r, Reading(events: 6, tokenEvents: 3, firstTokenIndex: 1, firstTextIndex: 2, finalIndex: 5, generatedTokens: 7,
                                  promptTokens: 20, finishReason: "stop"))
    }

    func testEOSOnlyReplyHasAFirstTokenButNoVisibleText() throws {
        let r = try read("vllm-eos-only.sse", OpenAICompletionsDialect())
        XCTAssertEqual(r, Reading(events: 3, tokenEvents: 1, firstTokenIndex: 0, firstTextIndex: nil, finalIndex: 2, generatedTokens: 1,
                                  promptTokens: 9, finishReason: "stop"))
    }

    func testFinishReasonEscapesAreDecoded() throws {
        let native = try LoraxDialect().parse(Array(#"{"token":{"text":"a"},"generated_text":"a","details":{"finish_reason":"eos\u005ftoken","generated_tokens":1}}"#.utf8))
        XCTAssertEqual(native.finishReason, "eos_token")
        let chat = try OpenAIChatDialect().parse(Array(#"{"choices":[{"delta":{"content":"x"},"finish_reason":"st\"op\n"}]}"#.utf8))
        XCTAssertEqual(chat.finishReason, "st\"op\n")
    }

    func testDoneSentinelOnlyWhereTheAPISendsIt() throws {
        XCTAssertTrue(try OpenAIChatDialect().parse(Array("[DONE]".utf8)).isFinal)
        XCTAssertTrue(try OpenAICompletionsDialect().parse(Array("[DONE]".utf8)).isFinal)
        XCTAssertEqual([LoraxDialect().endsWithDoneSentinel, OpenAICompletionsDialect().endsWithDoneSentinel,
                        OpenAIChatDialect().endsWithDoneSentinel], [false, true, true])
        XCTAssertThrowsError(try LoraxDialect().parse(Array("[DONE]".utf8))) {
            XCTAssertEqual(($0 as? StreamEventParser.Malformed)?.reason, #"event is not a JSON object: "[DONE]""#)
        }
    }

    func testEachDialectRejectsTheOthersEvents() throws {
        let native = try Data(contentsOf: SSEDecoderTests.fixtures.appendingPathComponent("lorax-native.sse"))
        let firstNative = Array(native.split(separator: UInt8(ascii: "\n"))[0].dropFirst(6))
        XCTAssertThrowsError(try OpenAIChatDialect().parse(firstNative)) {
            XCTAssertTrue(($0 as? StreamEventParser.Malformed)?.reason.hasPrefix(#"chunk without "choices": "{"token""#) == true, "\($0)")
        }
        XCTAssertThrowsError(try LoraxDialect().parse(Array(#"{"choices":[{"text":"a"}]}"#.utf8))) {
            XCTAssertEqual(($0 as? StreamEventParser.Malformed)?.reason, #"native event without "token": "{"choices":[{"text":"a"}]}""#)
        }
    }

    func testSharedErrorReaderServesEveryDialect() throws {
        let payload = Array(#"{"error":"Request failed during generation: boom","error_type":"generation"}"#.utf8)
        for dialect in [LoraxDialect(), OpenAICompletionsDialect(), OpenAIChatDialect()] as [any APIDialect] {
            let e = try dialect.parse(payload)
            XCTAssertEqual([e.errorType, e.errorMessage], ["generation", "Request failed during generation: boom"], "\(dialect)")
            XCTAssertFalse(e.isToken || e.isFinal, "\(dialect)")
        }
    }

    func testEveryAPIHasItsDialect() {
        XCTAssertEqual(Scenario.API.allCases.map { $0.dialect.path }, ["/generate_stream", "/v1/completions", "/v1/chat/completions"])
        XCTAssertTrue(Scenario.API.lorax.dialect is LoraxDialect)
        XCTAssertTrue(Scenario.API.openaiCompletions.dialect is OpenAICompletionsDialect)
        XCTAssertTrue(Scenario.API.openaiChat.dialect is OpenAIChatDialect)
    }
}
