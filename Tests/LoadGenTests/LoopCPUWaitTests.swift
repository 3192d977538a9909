import CCurl
import Foundation
@testable import LoadGen
import Stats
import XCTest

/// The client's own wait for a CPU: read from the kernel per loop thread, so a starved loop is told, not hidden.
final class LoopCPUWaitTests: XCTestCase {
    /// A thread that wants the CPU all the time, pinned to one core beside two threads that want it as much, runs
    /// about a third of the time: the kernel's run delay for it is most of each second, and LoopCPUWait reports it.
    func testAStarvedThreadsWaitIsMeasured() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/thread-self/schedstat"), "the kernel keeps no run delays (no schedstat)")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "util-linux's taskset is needed to pin threads")
        let tid = ThreadIDBox()
        let stop = Date().addingTimeInterval(1.6)
        var threads: [Thread] = []
        for i in 0..<3 {
            let t = Thread {
                Self.pinToFirstCPU()
                if i == 0 { tid.set(lb_gettid()) }
                var x = 0
                while Date() < stop { x &+= 1 }
                _ = x
            }
            threads.append(t)
            t.start()
        }
        while tid.get() == 0 { usleep(1000) }
        let wait = LoopCPUWait(threadIDs: [tid.get()])
        wait.sample()
        usleep(700_000)
        wait.sample()
        usleep(700_000)
        wait.sample()
        while Date() < stop.addingTimeInterval(0.1) { usleep(10_000) }
        let s = try XCTUnwrap(wait.summary)
        XCTAssertEqual(s.scope, "event loop")
        XCTAssertEqual(s.seconds, 2)
        // A third of the core each: ~470 ms of each 700 ms waiting, ~230 ms running (so reading the run time instead
        // of the wait could not pass); more load elsewhere on the core only adds to the wait.
        XCTAssertGreaterThan(s.worstSecondMs, 320, "\(s)")
        XCTAssertGreaterThan(s.totalMs, 640, "\(s)")
        XCTAssertEqual(s.starvedSeconds, 2)
        XCTAssertNotNil(s.warning)
        XCTAssertTrue(s.warning!.contains("waited"), s.warning!)
    }

    /// An unstarved loop (the run's own, idle) waits next to nothing and gives no warning.
    func testAnIdleLoopIsNotReportedAsStarved() throws {
        let loop = ThreadLoop(label: "test.cpu-wait")
        defer { loop.close() }
        let id = try XCTUnwrap(loop.threadID)
        let wait = LoopCPUWait(threadIDs: [id])
        wait.sample()
        usleep(200_000)
        wait.sample()
        let s = try XCTUnwrap(wait.summary)
        XCTAssertLessThan(s.worstSecondMs, 5, "a loop blocked in epoll_wait is not runnable, so it cannot wait for a CPU")
        XCTAssertNil(s.warning)
    }

    func testMergedWaitsAddUpAndKeepTheWorstSecond() {
        let a = RunSummary.CPUWait(scope: "event loop", totalMs: 30, worstSecondMs: 26, starvedSeconds: 1, seconds: 30)
        let b = RunSummary.CPUWait(scope: "process", totalMs: 2.5, worstSecondMs: 1, starvedSeconds: 0, seconds: 30)
        let m = RunSummary.CPUWait.merged([a, b])
        XCTAssertEqual(m, RunSummary.CPUWait(scope: "process", totalMs: 32.5, worstSecondMs: 26, starvedSeconds: 1, seconds: 60))
        XCTAssertNil(RunSummary.CPUWait.merged([]))
        XCTAssertEqual(a.warning, "warning: lorabench's event loop waited 30.0 ms for a CPU in this window (worst second: 26.0 ms, "
                       + "1 of 30 s over 20 ms): bytes that arrived meanwhile were stamped late by up to that, so latencies include "
                       + "the client's own wait; give lorabench a core of its own (taskset -c) or another machine")
    }

    /// util-linux's taskset sets one thread's affinity when given its id (Swift's Glibc lacks sched_setaffinity).
    private static func pinToFirstCPU() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        p.arguments = ["-p", "-c", "0", String(lb_gettid())]
        p.standardOutput = FileHandle.nullDevice
        try? p.run()
        p.waitUntilExit()
    }
}

/// A thread id handed from the measured thread to the test.
private final class ThreadIDBox: @unchecked Sendable {  // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var value: Int32 = 0
    func set(_ v: Int32) { lock.withLock { value = v } }
    func get() -> Int32 { lock.withLock { value } }
}
