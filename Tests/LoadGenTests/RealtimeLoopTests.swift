import Foundation
@testable import LoadGen
import XCTest

/// `--realtime`: the thread loop under SCHED_FIFO, or a clear refusal; never a run that silently went without.
final class RealtimeLoopTests: XCTestCase {
    /// Where the kernel allows it the loop thread's policy is SCHED_FIFO at the documented priority (read back from
    /// /proc); where it does not, the failure names the flag, the reason and what is needed.
    func testThreadLoopIsRealTimeOrSaysWhyNot() throws {
        let loop = ThreadLoop(label: "test.realtime", realtimePriority: RealtimeLoop.priority)
        defer { loop.close() }
        let tid = try XCTUnwrap(loop.threadID)
        if let why = loop.realtimeFailure {
            XCTAssertTrue(why.hasPrefix("--realtime: the kernel refused SCHED_FIFO priority 10 for the event loop ("), why)
            return
        }
        // /proc/TID/stat: fields after the parenthesised name; rt_priority is field 40, policy field 41 (1 = FIFO).
        let stat = try String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .ascii)
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        XCTAssertEqual(fields[40 - 3], "10", "rt_priority")
        XCTAssertEqual(fields[41 - 3], "1", "policy SCHED_FIFO")
    }

    func testAnOrdinaryLoopStaysOrdinary() throws {
        let loop = ThreadLoop(label: "test.ordinary")
        defer { loop.close() }
        XCTAssertNil(loop.realtimeFailure)
        let stat = try String(contentsOfFile: "/proc/self/task/\(try XCTUnwrap(loop.threadID))/stat", encoding: .ascii)
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        XCTAssertEqual(fields[41 - 3], "0", "policy SCHED_OTHER")
    }

    func testTheDispatchLoopRefusesRealtime() {
        let loop = DispatchLoop(label: "test.dispatch-realtime", realtime: true)
        defer { loop.close() }
        XCTAssertEqual(loop.realtimeFailure, "--realtime needs the thread event loop (LORABENCH_EVENT_LOOP=thread, the default)")
    }
}
