import XCTest

final class StatsTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
