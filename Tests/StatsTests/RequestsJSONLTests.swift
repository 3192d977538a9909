import Stats
import XCTest

/// requests.jsonl types every requests.csv column: a numeric column added to the CSV must be named numeric here too.
final class RequestsJSONLColumnTests: XCTestCase {
    func testEveryNumericCSVColumnIsANumberInJSONLines() {
        let text: Set = ["adapter", "output_tokens_source", "finish_reason", "error_class", "error_type", "error_message", "request_id",
                         "client_request_id", "session", "served_adapter"]
        for column in RequestsCSV.header {
            XCTAssertTrue(text.contains(column) || RequestsJSONL.numericColumns.contains(column),
                          "\(column): a text column (add it to this test) or a numeric one (add it to RequestsJSONL.numericColumns)")
        }
    }
}
