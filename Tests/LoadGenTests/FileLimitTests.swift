#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoadGen
import XCTest

/// RLIMIT_NOFILE: raised when the hard limit allows, refused up front with the number needed otherwise.
final class FileLimitTests: XCTestCase {
    func testEnoughAlreadyChangesNothing() throws {
        let before = FileLimit.current()
        let after = try FileLimit.ensure(forConnections: 1)
        XCTAssertGreaterThanOrEqual(after.soft, 1 + FileLimit.reserve)
        XCTAssertEqual(after.soft, before.soft)
        XCTAssertEqual(after.hard, before.hard)
    }

    func testSoftLimitIsRaisedTowardTheHardLimit() throws {
        var original = rlimit()
        XCTAssertEqual(getrlimit(Self.resource, &original), 0)
        let want = 1000
        guard FileLimit.current().hard >= want + FileLimit.reserve else {
            throw XCTSkip("hard limit \(FileLimit.current().hard) is below \(want + FileLimit.reserve)")
        }
        defer { var r = original; _ = setrlimit(Self.resource, &r) }
        var lowered = original
        lowered.rlim_cur = 512  // lowering the soft limit needs no privilege
        XCTAssertEqual(setrlimit(Self.resource, &lowered), 0)
        XCTAssertEqual(FileLimit.current().soft, 512)

        let now = try FileLimit.ensure(forConnections: want)
        XCTAssertEqual(now.soft, want + FileLimit.reserve)
        XCTAssertEqual(FileLimit.current().soft, want + FileLimit.reserve, "the process limit really changed")
    }

    func testBeyondTheHardLimitIsRefusedWithTheNumberNeeded() {
        let before = FileLimit.current()
        let connections = 1 << 40  // above any hard limit and above Linux's fs.nr_open ceiling
        XCTAssertThrowsError(try FileLimit.ensure(forConnections: connections)) { error in
            guard let e = error as? FileLimit.Insufficient else { return XCTFail("\(error)") }
            XCTAssertEqual(e.needed, connections + FileLimit.reserve)
            XCTAssertEqual(e.soft, before.soft)
            XCTAssertTrue(e.description.contains("ulimit -n \(connections + FileLimit.reserve)"), e.description)
        }
        XCTAssertEqual(FileLimit.current().soft, before.soft, "a refused request leaves the limit alone")
        XCTAssertThrowsError(try FileLimit.ensure(forConnections: Int.max), "overflowing counts are refused, not trapped") {
            XCTAssertEqual(($0 as? FileLimit.Insufficient)?.needed, Int.max)
        }
    }

    #if canImport(Glibc)
    static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    static let resource = RLIMIT_NOFILE
    #endif
}
