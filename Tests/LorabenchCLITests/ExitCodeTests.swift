import ArgumentParser
import Foundation
@testable import LorabenchCLI
import Stats
import XCTest

/// The process-level contract: exit codes and files, running the commands in-process.
final class ExitCodeTests: XCTestCase {
    func write(_ json: String) throws -> String { try writeTempScenario(json) }

    func run(_ path: String, _ overrides: [String] = [], root: String = SimHarness.tempDir()) async -> (ExitCode, String) {
        let r = await lorabench(["run", path, "--results-root", root, "--quiet"] + overrides.flatMap { ["--set", $0] })
        return (r.code, root)
    }

    static let embedded = """
    {"name":"cli","target":{"simulator":{"profile":"fast"}},"concurrency":4,"duration":"1s",
     "input_words":{"min":5,"max":8},"max_new_tokens":{"min":5,"max":8},"health":{"interval":"50ms","timeout":"5s"}}
    """

    func testEmbeddedSimulatorRunWritesResultsAndExitsZero() async throws {
        let (code, root) = await run(try write(Self.embedded))
        XCTAssertEqual(code, LorabenchExit.ok)
        let dirs = try FileManager.default.contentsOfDirectory(atPath: root)
        XCTAssertEqual(dirs.count, 1)
        XCTAssertTrue(dirs[0].hasSuffix("-cli"), dirs[0])
        let summary = try RunSummary.read(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(dirs[0])/summary.json")), source: "s")
        XCTAssertGreaterThan(summary.requests.succeeded, 4)
        XCTAssertEqual(summary.requests.failed, 0)
    }

    func testFailedThresholdExits99AndPassingOnesExit0() async throws {
        let path = try write(Self.embedded)
        let (failed, _) = await run(path, ["thresholds={\"ttft.p95\": \"< 0.001\", \"error_rate\": \"< 0.5\"}"])
        XCTAssertEqual(failed, LorabenchExit.thresholdsFailed)
        let (passed, root) = await run(path, ["thresholds={\"ttft.p95\": \"< 60000\", \"error_rate\": [\"<= 0\", \"< 1\"]}"])
        XCTAssertEqual(passed, LorabenchExit.ok)
        let dir = try FileManager.default.contentsOfDirectory(atPath: root)[0]
        let summary = try RunSummary.read(try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(dir)/summary.json")), source: "s")
        XCTAssertEqual(summary.thresholds.count, 3)
        XCTAssertTrue(summary.thresholdsPassed)
    }

    func testInvalidScenarioExits104AndWritesNothing() async throws {
        let (code, root) = await run(try write(#"{"target":{"url":"http://127.0.0.1:1"},"concurency":3}"#))
        XCTAssertEqual(code, LorabenchExit.invalidConfig)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root))
        let (bad, _) = await run(try write(Self.embedded), ["thresholds={\"ttft.p42\": \"< 1\"}"])
        XCTAssertEqual(bad, LorabenchExit.invalidConfig)
        let (badSim, _) = await run(try write(Self.embedded), ["target.simulator.decode_base_mss=3"])
        XCTAssertEqual(badSim, LorabenchExit.invalidConfig)
    }

    func testMissingTokenVariableExits104() async throws {
        let (code, _) = await run(try write(Self.embedded), ["target.auth_env=LB_SURELY_UNSET_TOKEN"])
        XCTAssertEqual(code, LorabenchExit.invalidConfig)
    }

    func testUnreachableGatewayExits1WithoutResults() async throws {
        let (code, root) = await run(try write(#"{"target":{"url":"http://127.0.0.1:9"},"duration":"1s","health":{"interval":"50ms","timeout":"200ms"}}"#))
        XCTAssertEqual(code, LorabenchExit.runError)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [], [])
    }

    func testUnwritableResultsRootExits1BeforeSending() async throws {
        let file = NSTemporaryDirectory() + "not-a-dir-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let (code, _) = await run(try write(Self.embedded), root: file + "/results")
        XCTAssertEqual(code, LorabenchExit.runError)
    }

    func testValidateCommandExitCodes() async throws {
        let path = try write(Self.embedded)
        let ok = await lorabench(["validate", path])
        XCTAssertEqual(ok.code, LorabenchExit.ok)
        XCTAssertEqual(ok.out, "\(path): ok (cli: constant-vus, 1s, base model, api lorax)\n")
        let badPath = try write(#"{"target":{"url":"ftp://x"},"duration":"1s"}"#)
        let bad = await lorabench(["validate", badPath])
        XCTAssertEqual(bad.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(bad.out, "")
        XCTAssertEqual(bad.err, "lorabench: invalid scenario \(badPath) (1 problem):\n  - target.url: expected an http:// or https:// URL, got \"ftp://x\"\n")
    }
}
