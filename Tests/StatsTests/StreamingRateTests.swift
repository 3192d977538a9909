import Stats
import XCTest

/// Tokens counted in the second they arrived, from each record's first token and gaps.
final class StreamingRateTests: XCTestCase {
    func record(first: UInt64, gaps: [UInt64], events: Int, tokens: Int, end: UInt64, status: Int = 200) -> RequestRecord {
        RequestRecord(sequence: 0, vu: 0, adapter: "", cold: false, intendedMicros: 0, sentMicros: 0, firstTokenMicros: first,
                      endMicros: end, tokenGapsMicros: gaps, tokenEvents: events, outputTokens: tokens, outputTokensSource: .server,
                      inputWords: 1, maxNewTokens: 100, status: status, errorClass: status == 200 ? nil : .http)
    }

    func testTokensLandInTheSecondsTheyArrivedIn() {
        var s = StreamingRate()
        let start: UInt64 = 10_000_000
        // Events at 0.5, 0.9, 1.3, 1.7 s into the window; the server said 8 tokens: 2 per event.
        s.add(record(first: start + 500_000, gaps: [400_000, 400_000, 400_000], events: 4, tokens: 8, end: start + 1_800_000), windowStartMicros: start)
        XCTAssertEqual(s.events, [2, 2])
        XCTAssertEqual(s.tokens, [4, 4])
        // A long stream: its tokens are spread over the seconds it streamed, not piled on the second it ended.
        s.add(record(first: start + 100_000, gaps: Array(repeating: 1_000_000, count: 3), events: 4, tokens: 4, end: start + 3_200_000),
              windowStartMicros: start)
        XCTAssertEqual(s.events, [3, 3, 1, 1])
        XCTAssertEqual(s.csv, "second,token_events,output_tokens\n1,3,5\n2,3,5\n3,1,1\n4,1,1\n")
        // A failed request's tokens are not output tokens of the run; an arrival before the window is not in it.
        s.add(record(first: start + 200_000, gaps: [], events: 1, tokens: 1, end: start + 300_000, status: 503), windowStartMicros: start)
        s.add(record(first: start - 1, gaps: [], events: 1, tokens: 1, end: start + 300_000), windowStartMicros: start)
        XCTAssertEqual(s.events, [3, 3, 1, 1])
    }

    func testEventsPastTheKeptGapsAreSpreadToTheEnd() {
        var s = StreamingRate()
        // 5 events, only 1 gap kept exactly: the other 3 are spread between 0.2 s and the end at 3.2 s.
        s.add(record(first: 100_000, gaps: [100_000], events: 5, tokens: 5, end: 3_200_000), windowStartMicros: 0)
        XCTAssertEqual(s.events.reduce(0, +), 5)
        XCTAssertEqual(s.events, [2, 1, 1, 1])
    }
}
