import XCTest

final class LoadGenTestsPlaceholder: XCTestCase {
    func testNothingYet() {}
}
