@testable import LoadGen
import Stats
import XCTest

/// server_metrics.csv's labels cell: `k=v;k=v` in exposition order with `\`, `;` and newlines escaped, built as
/// bytes; the CSV quoting on top is CSVRow's.
final class ServerMetricsRowTests: XCTestCase {
    func testLabelsCellEscapesBackslashSemicolonAndNewline() {
        let ls = [PromLabel("le", "0.5"), PromLabel("adapter", "a;b\\c\nd"), PromLabel("q", "x,\"y\" é")]
        XCTAssertEqual(ServerMetricsCollector.labels(ls), "le=0.5;adapter=a\\;b\\\\c\\nd;q=x,\"y\" é")
        XCTAssertEqual(ServerMetricsCollector.labels([]), "")
        var row = CSVRow()
        var cell: [UInt8] = []
        ServerMetricsCollector.appendLabels(ls, to: &cell)
        row.text("1.000"); row.text(utf8: cell)
        XCTAssertEqual(String(decoding: row.takeBytes(), as: UTF8.self), "1.000,\"le=0.5;adapter=a\\;b\\\\c\\nd;q=x,\"\"y\"\" é\"")
    }
}
