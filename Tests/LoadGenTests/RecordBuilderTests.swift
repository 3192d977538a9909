@testable import LoadGen
import Stats
import XCTest

/// RecordBuilder driven with explicit timestamps (microseconds): what each event does to the record, and its rules.
final class RecordBuilderTests: XCTestCase {
    private static let request = PreparedRequest(url: "http://h/generate_stream", body: [], adapter: "org/a", inputWords: 5, maxNewTokens: 8)

    /// A builder whose request was intended at 1_000 and sent at 1_100.
    private func sent() -> RecordBuilder {
        var b = RecordBuilder(sequence: 4, vu: 2, stage: 3, request: Self.request, cold: true, intendedMicros: 1_000)
        b.sent(at: 1_100)
        return b
    }

    private func token(text: Bool = true, final: Bool = false, generated: Int? = nil, prompt: Int? = nil, finish: String? = nil) -> StreamEvent {
        var e = StreamEvent()
        e.isToken = true
        e.hasText = text
        e.isFinal = final
        e.generatedTokens = generated
        e.promptTokens = prompt
        e.finishReason = finish
        return e
    }

    func testTokenGapsFirstTokenAndEnd() {
        var b = sent()
        b.observe(token(), at: 1_150)
        b.observe(token(), at: 1_170)
        b.observe(token(), at: 1_200)
        b.observe(token(final: true, finish: "length"), at: 1_230)
        let r = b.finish(at: 1_300)
        XCTAssertEqual([r.sequence, r.vu, r.stage, r.inputWords, r.maxNewTokens], [4, 2, 3, 5, 8])
        XCTAssertEqual(r.adapter, "org/a")
        XCTAssertTrue(r.cold)
        XCTAssertEqual([r.intendedMicros, r.sentMicros, r.firstTokenMicros, r.endMicros], [1_000, 1_100, 1_150, 1_230])
        XCTAssertEqual(r.tokenGapsMicros, [20, 30, 30])
        XCTAssertEqual(r.tokenEvents, 4)
        XCTAssertEqual([r.ttftMicros, r.ttftIntendedMicros, r.scheduleLagMicros, r.e2eMicros], [50, 150, 100, 130])
        XCTAssertEqual(r.tpotMicros, 26, "(130 − 50) / 3")
        XCTAssertEqual(r.finishReason, "length")
        XCTAssertNil(r.errorClass)
    }

    func testATokenWithoutTextIsTheFirstTokenButNotTheFirstText() {
        var b = sent()
        b.observe(token(text: false), at: 1_150)
        b.observe(token(), at: 1_180)
        b.observe(token(final: true), at: 1_200)
        let r = b.finish(at: 1_200)
        XCTAssertEqual(r.firstTokenMicros, 1_150, "servers count the first token, empty text included")
        XCTAssertEqual(r.firstTextMicros, 1_180, "the first visible text is a metric of its own")
        XCTAssertEqual(r.ttftVisibleMicros, 80)
        XCTAssertEqual(r.tokenGapsMicros, [30, 20])
        XCTAssertEqual(r.tokenEvents, 3)
    }

    func testServerCountWinsOverEventCount() {
        var b = sent()
        b.observe(token(), at: 1_150)
        b.observe(token(final: true, generated: 7, prompt: 12), at: 1_160)
        let r = b.finish(at: 1_160)
        XCTAssertEqual([r.tokenEvents, r.outputTokens, r.inputTokens], [2, 7, 12], "seven tokens in two events (merged under load)")
        XCTAssertEqual(r.outputTokensSource, .server)
    }

    func testEventCountWhenTheServerGivesNoneAndZeroPromptTokensAreNotACount() {
        var b = sent()
        b.observe(token(prompt: 0), at: 1_150)
        b.observe(token(), at: 1_160)
        var done = StreamEvent()
        done.isFinal = true
        b.observe(done, at: 1_170)
        let r = b.finish(at: 1_170)
        XCTAssertEqual([r.tokenEvents, r.outputTokens], [2, 2])
        XCTAssertEqual(r.outputTokensSource, .events)
        XCTAssertNil(r.inputTokens)
        XCTAssertEqual(r.endMicros, 1_170, "[DONE] ends the stream without being a token")
    }

    func testNothingCountsAfterTheFinalEvent() {
        var b = sent()
        b.observe(token(final: true), at: 1_150)
        XCTAssertTrue(b.isComplete)
        b.observe(token(generated: 50), at: 1_160)
        b.fail(.timeout, message: "late", at: 1_170)
        b.sent(at: 1_180)
        let r = b.finish(at: 1_190)
        XCTAssertNil(r.errorClass)
        XCTAssertEqual([r.tokenEvents, r.outputTokens, Int(r.endMicros), Int(r.sentMicros)], [1, 1, 1_150, 1_100])
    }

    func testFirstFailureWinsAndStopsTheStream() {
        var b = sent()
        b.observe(token(), at: 1_150)
        var err = StreamEvent()
        err.errorType = "generation"
        err.errorMessage = "boom"
        b.observe(err, at: 1_160)
        XCTAssertTrue(b.hasFailure)
        b.fail(.timeout, message: "later", at: 1_170)
        b.observe(token(final: true), at: 1_180)
        let r = b.finish(at: 1_190)
        XCTAssertEqual(r.errorClass, .stream)
        XCTAssertEqual(r.errorType, "generation")
        XCTAssertEqual(r.errorMessage, "boom")
        XCTAssertEqual([r.tokenEvents, Int(r.endMicros)], [1, 1_160])
        XCTAssertFalse(b.isComplete)
    }

    func testClosedBeforeTheFinalEventIsIncomplete() {
        var b = sent()
        b.observe(token(), at: 1_150)
        b.observe(token(), at: 1_160)
        let r = b.finish(at: 1_400)
        XCTAssertEqual(r.errorClass, .incomplete)
        XCTAssertEqual(r.errorMessage, "connection closed before the final event (2 token events)")
        XCTAssertEqual(r.endMicros, 1_400)
        XCTAssertEqual([r.outputTokens, r.tokenEvents], [2, 2])
        XCTAssertEqual(r.outputTokensSource, .events)
    }

    func testResponseFactsAreRecordedWhateverTheOutcome() {
        var ok = sent()
        ok.observe(token(final: true), at: 1_150)
        ok.response(status: 200, requestId: "req-1", connectMicros: 321)
        let r = ok.finish(at: 1_160)
        XCTAssertEqual([r.status, Int(r.connectMicros)], [200, 321])
        XCTAssertEqual(r.requestId, "req-1")

        var failed = sent()
        failed.response(status: 503, requestId: nil, connectMicros: 0)
        failed.fail(.http, message: "HTTP 503: overloaded", at: 1_120)
        let f = failed.finish(at: 1_130)
        XCTAssertEqual(f.status, 503)
        XCTAssertNil(f.requestId)
        XCTAssertEqual(f.errorClass, .http)
        XCTAssertEqual(f.endMicros, 1_120)
    }

    func testUnsentRequestCountsAsSentWhenIntendedAndEndIsNeverBeforeSend() {
        var unsent = RecordBuilder(sequence: 0, vu: 0, request: Self.request, cold: false, intendedMicros: 500)
        let u = unsent.finish(at: 500)
        XCTAssertEqual([u.sentMicros, u.endMicros], [500, 500])
        XCTAssertEqual(u.stage, 0)
        XCTAssertEqual(u.errorClass, .incomplete)

        var early = sent()
        early.fail(.connect, message: "refused", at: 1_050)
        let r = early.finish(at: 1_060)
        XCTAssertEqual([r.sentMicros, r.endMicros], [1_100, 1_100], "a clock read before the send does not end the request before it")
        XCTAssertEqual(r.e2eMicros, 0)
    }

    func testSendTimeIsFixedOnceTheStreamHasShownAToken() {
        var b = sent()
        b.observe(token(), at: 1_150)
        b.sent(at: 1_140)
        b.observe(token(final: true), at: 1_160)
        let r = b.finish(at: 1_160)
        XCTAssertEqual([r.sentMicros, r.firstTokenMicros], [1_100, 1_150])
    }

    func testImplausibleServerCountsAreFlaggedAndTheEventsCounted() {
        // max_new_tokens is 8 for this request; six token events arrive.
        for (claimed, believed) in [(6, true), (5, true), (8, true), (-10_000, false), (1000, false), (0, false), (3, false), (Int.max, false)] {
            var b = sent()
            for i in 0..<5 { b.observe(token(), at: 1_150 + UInt64(i) * 10) }
            b.observe(token(final: true, generated: claimed), at: 1_300)
            let r = b.finish(at: 1_300)
            if believed {
                XCTAssertEqual([r.outputTokens], [claimed], "\(claimed)")
                XCTAssertEqual(r.outputTokensSource, .server)
                XCTAssertNil(r.implausibleServerTokens)
            } else {
                XCTAssertEqual(r.outputTokens, 6, "\(claimed) is not believed: the six events are counted")
                XCTAssertEqual(r.outputTokensSource, .events)
                XCTAssertEqual(r.implausibleServerTokens, claimed)
            }
        }
        var a = Aggregate()
        var b = sent()
        b.observe(token(final: true, generated: -10_000), at: 1_200)
        a.add(b.finish(at: 1_200), slo: SLO())
        XCTAssertEqual([a.outputTokens, a.implausibleServerCounts], [1, 1], "no negative totals")
    }

    func testAnEndlessStreamKeepsBoundedGapsAndLosesNoSampleAtHistogramResolution() {
        var b = sent()
        let n = 100_000
        for i in 0..<n { b.observe(token(final: i == n - 1), at: 1_150 + UInt64(i) * 1_234) }
        let r = b.finish(at: 1_150 + UInt64(n) * 1_234)
        XCTAssertEqual(r.tokenGapsMicros.count, RequestRecord.keptGaps)
        XCTAssertEqual(r.foldedGapsMicros, [1_230: UInt64(n - 1 - RequestRecord.keptGaps)], "every later gap folded at 3 digits")
        var a = Aggregate()
        a.add(r, slo: SLO())
        XCTAssertEqual(a.metrics[.itl]?.count, UInt64(n - 1), "every gap is a sample")
        XCTAssertEqual(RecordBuilder.threeDigits(123_456), 123_000)
        XCTAssertEqual(RecordBuilder.threeDigits(999), 999)
    }
}
