import Foundation
import Stats
import XCTest

/// Issue 10 items 10 and 15, which need a real process: an unusable stderr and SIGHUP/SIGPIPE must not cost the
/// results. The child is spawned with default dispositions and an empty signal mask (the test process ignores
/// SIGPIPE and its threads block signals, and both would be inherited).
final class ProcessStreamTests: XCTestCase {
    enum Stderr { case closed, devFull, brokenPipe }

    var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lorabench").path
    }

    /// Spawns `lorabench ARGS` with stdout to /dev/null and stderr as asked; returns its pid.
    func spawn(_ args: [String], stderr: Stderr) throws -> pid_t {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("no lorabench binary beside the tests at \(binary)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pipeFDs: [Int32] = [-1, -1]
        switch stderr {
        case .closed: posix_spawn_file_actions_addclose(&actions, 2)
        case .devFull: posix_spawn_file_actions_addopen(&actions, 2, "/dev/full", O_WRONLY, 0)
        case .brokenPipe:
            XCTAssertEqual(pipe(&pipeFDs), 0)
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGHUP, SIGINT, SIGTERM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, binary, &actions, &attr, argv, environ)
        XCTAssertEqual(rc, 0)
        if stderr == .brokenPipe { close(pipeFDs[0]); close(pipeFDs[1]) }  // nobody reads: every write is EPIPE
        return pid
    }

    /// Waits for the child; its exit status, or 128 + signal when a signal ended it.
    func wait(_ pid: pid_t, timeout: TimeInterval = 20) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); return -1 }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }

    func scenario(_ url: String, duration: String) throws -> String {
        try writeTempScenario("""
        {"name":"proc","target":{"url":"\(url)"},"concurrency":2,"duration":"\(duration)","health":false,"think_time":"20ms","graceful_stop":"500ms"}
        """)
    }

    let body = CannedServer.sse(Array(#"data: {"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":" a","details":{"finish_reason":"length","prompt_tokens":3,"generated_tokens":1}}"#.utf8) + [10, 10])

    func testAnUnwritableStderrDoesNotStopTheRun() throws {
        let server = try CannedServer(response: body)
        defer { server.stop() }
        for mode in [Stderr.closed, .devFull, .brokenPipe] {
            let out = SimHarness.tempDir()
            let pid = try spawn(["run", try scenario(server.baseURL, duration: "500ms"), "--out", out], stderr: mode)
            XCTAssertEqual(wait(pid), 0, "\(mode): exit 0, not a trap (FileHandle) or 141 (SIGPIPE)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["requests.csv", "streaming.csv", "summary.json", "timeseries.csv"], "\(mode)")
        }
    }

    func testSIGHUPStopsTheRunLikeSIGTERM() throws {
        let server = try CannedServer(response: body)
        defer { server.stop() }
        let out = SimHarness.tempDir()
        let pid = try spawn(["run", try scenario(server.baseURL, duration: "30s"), "--out", out], stderr: .closed)
        Thread.sleep(forTimeInterval: 1.5)
        kill(pid, SIGHUP)
        XCTAssertEqual(wait(pid, timeout: 10), 105, "stopped by a signal, results written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["requests.csv", "streaming.csv", "summary.json", "timeseries.csv"])
        XCTAssertTrue(try ResultFiles.summary(at: out).run.interrupted)
    }

    /// `lorabench sim` stops cleanly on SIGTERM (its trap is disarmed after the wait, not from inside the handler,
    /// where a sync to the handler's own queue trapped with SIGILL).
    func testSimExitsZeroOnSIGTERM() throws {
        let pid = try spawn(["sim", "--port", "0", "--profile", "fast"], stderr: .closed)
        Thread.sleep(forTimeInterval: 1)
        kill(pid, SIGTERM)
        XCTAssertEqual(wait(pid, timeout: 10), 0)
    }
}
