@testable import Stats
import XCTest

/// How a server percentile reads on the terminal.
final class ServerReportTests: XCTestCase {
    func testAPercentileInTheFirstBucketReadsAsAtMostItsBound() {
        // vLLM's queue histogram: every observation below its first bound of 0.3 s.
        let first = ServerView.Percentile(BucketPercentile(value: 0.15, lower: 0, upper: 0.3), scale: 1000)
        XCTAssertEqual(ServerReport.pct(first), "≤ 300 [0, 300]", "not 150 ms: the queue was 0.014 ms on average")
        let inner = ServerView.Percentile(BucketPercentile(value: 0.0192, lower: 0.01, upper: 0.02), scale: 1000)
        XCTAssertEqual(ServerReport.pct(inner), "19.20 [10, 20]")
        let top = ServerView.Percentile(BucketPercentile(value: 60, lower: 60, upper: nil), scale: 1000)
        XCTAssertEqual(ServerReport.pct(top), "60000 [60000, +Inf]")
    }
}
