import XCTest

final class LorabenchCLITestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
