import Foundation
import LoadGen
@testable import LorabenchCLI
import Stats
import XCTest

/// Issue 10 items 13, 14 and 16: the results folder is one run's alone, and what is written there stays valid.
final class ResultFolderTests: XCTestCase {
    let body = Array(#"data: {"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":" a","details":{"finish_reason":"length","prompt_tokens":3,"generated_tokens":1}}"#.utf8) + [10, 10]

    func scenario(_ url: String, duration: String = "600ms") throws -> String {
        try writeTempScenario("""
        {"name":"folder","target":{"url":"\(url)"},"concurrency":2,"duration":"\(duration)","health":false,"think_time":"20ms"}
        """)
    }

    // Item 14: a folder holding another run's files is refused, even without summary.json.
    func testAFolderWithAnotherRunsFilesIsRefused() async throws {
        let dir = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("sequence\n0\n".utf8).write(to: URL(fileURLWithPath: dir + "/requests.csv.partial"))
        let r = await lorabench(["run", try scenario("http://127.0.0.1:9"), "--out", dir])
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertTrue(r.err.contains("holds another run's files (requests.csv.partial), left by a run that did not finish"), r.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/requests.csv.partial", encoding: .utf8), "sequence\n0\n", "untouched")
    }

    // Item 14: a folder another run holds (its flock'ed lock file) is refused; the lock is gone after a run.
    func testAFolderLockedByAnotherRunIsRefused() async throws {
        let server = try CannedServer(response: CannedServer.sse(body))
        defer { server.stop() }
        let dir = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = open(dir + "/" + ResultsDirectory.lockName, O_RDWR | O_CREAT, 0o600)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        let refused = await lorabench(["run", try scenario(server.baseURL), "--out", dir])
        XCTAssertEqual(refused.code, LorabenchExit.runError)
        XCTAssertTrue(refused.err.contains("another lorabench run is writing to \(dir)"), refused.err)
        close(fd)
        unlink(dir + "/" + ResultsDirectory.lockName)
        let ok = await lorabench(["run", try scenario(server.baseURL), "--out", dir, "--quiet"])
        XCTAssertEqual(ok.code, LorabenchExit.ok, ok.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["requests.csv", "streaming.csv", "summary.json", "timeseries.csv"])
        let again = await lorabench(["run", try scenario(server.baseURL), "--out", dir])
        XCTAssertEqual(again.code, LorabenchExit.runError)
        XCTAssertTrue(again.err.contains("already holds a run (summary.json)"), again.err)
    }

    // Clearer errors: a dangling symlink as --out names its missing target.
    func testADanglingSymlinkOutSaysSo() async throws {
        let link = SimHarness.tempDir()
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent-\(UUID().uuidString)")
        let r = await lorabench(["run", try scenario("http://127.0.0.1:9"), "--out", link])
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertTrue(r.err.contains("is a symbolic link to /nonexistent-"), r.err)
    }

    // Item 16: the time series reaches the disk every second; leftovers of a killed run are named by the next one.
    func testTimeSeriesIsFlushedAsItGrowsAndLeftoversAreNamed() async throws {
        let server = try CannedServer(response: CannedServer.sse(body))
        defer { server.stop() }
        let root = SimHarness.tempDir()
        let killed = root + "/20260101T000000Z-killed"
        try FileManager.default.createDirectory(atPath: killed, withIntermediateDirectories: true)
        try Data("second\n".utf8).write(to: URL(fileURLWithPath: killed + "/timeseries.csv.partial"))
        let path = try scenario(server.baseURL, duration: "3s")
        let seen = CapturedText()
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 2.5)
            let running = (try? FileManager.default.contentsOfDirectory(atPath: root))?.first { $0.hasSuffix("-folder") }
            if let running, let text = try? String(contentsOfFile: root + "/" + running + "/timeseries.csv.partial", encoding: .utf8) {
                seen.append(text)
            }
        }
        let r = await lorabench(["run", path, "--results-root", root])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertTrue(r.err.contains("note: \(killed) holds an unfinished run (timeseries.csv.partial, no summary.json)"), r.err)
        let lines = seen.text.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 3, "header and two seconds on disk while the run was going: \(seen.text)")
    }

    // Item 13: a disk that fills during the run stops it at once with exit 1; requests.csv.partial stays whole rows.
    func testADiskThatFillsMidRunStopsTheRunAndKeepsValidRows() async throws {
        let mountPoint = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try? mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root and mount permission)") }
        defer {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = ["-l", mountPoint]
            try? u.run()
            u.waitUntilExit()
        }
        let server = try CannedServer(response: CannedServer.sse(body))
        defer { server.stop() }
        let out = mountPoint + "/run"
        let filler = mountPoint + "/filler"
        // Fill the disk after the window has opened (the start check wants 16 MiB free).
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.6)
            let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
            let chunk = [UInt8](repeating: 0x78, count: 4096)
            while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
            close(fd)
        }
        let started = Date()
        let r = await lorabench(["run", try scenario(server.baseURL, duration: "20s"), "--out", out])
        XCTAssertLessThan(Date().timeIntervalSince(started), 6, "stopped at once, not at the end of the 20 s schedule")
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertTrue(r.err.contains("No space left on device"), r.err)
        XCTAssertTrue(r.err.contains("requests.csv.partial"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/summary.json"))
        let text = try String(contentsOfFile: out + "/requests.csv.partial", encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"), "ends on a whole row")
        let rows = text.split(separator: "\n").map { splitCSVLine(String($0)) }
        XCTAssertEqual(rows.first, RequestsCSV.header)
        XCTAssertTrue(rows.allSatisfy { $0.count == RequestsCSV.header.count }, "no row spliced into another")
        let sequences = rows.dropFirst().map { $0[0] }
        XCTAssertEqual(Set(sequences).count, sequences.count, "no row written twice")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/" + ResultsDirectory.lockName))
    }
}
