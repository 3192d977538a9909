import XCTest

final class LoraxSimTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
