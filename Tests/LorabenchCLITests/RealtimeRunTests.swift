import Foundation
import LoadGen
@testable import LorabenchCLI
import Stats
import XCTest

/// `run --realtime` end to end: the run says it ran real-time and how long its loop waited, or it stops before
/// sending anything and says why.
final class RealtimeRunTests: XCTestCase {
    func testRealtimeRunIsRecordedOrRefusedBeforeSending() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","seed":5}"#)
        let seenBefore = h.sim.requests().count
        let out = SimHarness.tempDir()
        let path = try writeTempScenario("""
        {"name":"rt","target":{"url":"\(h.sim.baseURL)"},"concurrency":2,"duration":"1500ms","think_time":"20ms"}
        """)
        let r = await lorabench(["run", path, "--realtime", "--out", out, "--quiet"])
        let seen = h.sim.requests().count - seenBefore
        await h.stop()
        if r.code == LorabenchExit.ok {
            let s = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
            XCTAssertEqual(s.run.realtimeLoop, true)
            XCTAssertGreaterThan(s.requests.succeeded, 0)
            let wait = try XCTUnwrap(s.run.clientCPUWait, "the loop's wait is measured")
            XCTAssertEqual(wait.scope, "event loop")
        } else {
            XCTAssertEqual(r.code, LorabenchExit.runError, r.err)
            XCTAssertTrue(r.err.contains("--realtime: the kernel refused SCHED_FIFO"), r.err)
            XCTAssertEqual(seen, 0, "nothing was sent, not even the health check's warm-up")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/summary.json"))
        }
    }

    /// Without CAP_SYS_NICE (dropped with util-linux's setpriv) the real binary stops before the window, exit 1,
    /// with the kernel's reason and what is needed, and writes no results folder.
    func testWithoutTheCapabilityTheRunStopsAndSaysWhatIsNeeded() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/lorabench").path
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "util-linux's setpriv is needed to drop CAP_SYS_NICE")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: binary), "no debug build at \(binary)")
        let scenario = try writeTempScenario(#"{"name":"rt","target":{"simulator":{"profile":"fast"}},"concurrency":1,"duration":"1s"}"#)
        let out = SimHarness.tempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = ["--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice", "--", binary, "run", scenario, "--realtime", "--out", out]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if text.contains("setpriv:") { throw XCTSkip("setpriv could not drop the capability here: \(text)") }
        if getuid() != 0 && p.terminationStatus == 0 { throw XCTSkip("this user has a real-time limit (ulimit -r) without the capability") }
        XCTAssertEqual(p.terminationStatus, 1, text)
        XCTAssertTrue(text.contains("lorabench: --realtime: the kernel refused SCHED_FIFO priority 10 for the event loop (Operation not permitted); it needs CAP_SYS_NICE"), text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
