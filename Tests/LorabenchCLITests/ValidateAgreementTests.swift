import ArgumentParser
import Foundation
import LoadGen
import LorabenchCLI
import XCTest

/// `validate` refuses exactly what `run` and `sweep` refuse, with the same words, because all three share one check.
final class ValidateAgreementTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every scenario the project ships or keeps as a fixture.
    static func scenarioFiles() throws -> [String] {
        var files: [String] = []
        for dir in ["Tests/Fixtures/scenarios/valid", "Tests/Fixtures/scenarios/invalid", "scenarios"] {
            let path = repo.appendingPathComponent(dir).path
            files += try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }.sorted().map { path + "/" + $0 }
        }
        return files
    }

    /// `run` on a file, stopped by a stop request as soon as it arms its trap (a valid scenario then ends with 105
    /// before its window, an invalid one never gets that far).
    func runStopped(_ args: [String], environment: [String: String]) async -> CLIResult {
        let signals = ManualSignals()
        let stopper = Task {
            for _ in 0..<2000 where !Task.isCancelled {
                if signals.interrupt() { return }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        defer { stopper.cancel() }
        return await lorabench(args, environment: environment, signals: signals)
    }

    func testValidateAndRunAgreeOnEveryScenarioFile() async throws {
        let env = ["LORAX_URL": "http://127.0.0.1:9", "LORAX_TOKEN": "t"]
        let files = try Self.scenarioFiles()
        XCTAssertGreaterThan(files.count, 15)
        for file in files {
            let v = await lorabench(["validate", file], environment: env)
            let root = SimHarness.tempDir()
            let r = await runStopped(["run", file, "--results-root", root, "--quiet"], environment: env)
            if v.code == LorabenchExit.invalidConfig {
                XCTAssertEqual(r.code, LorabenchExit.invalidConfig, file)
                XCTAssertEqual(r.err, v.err, "run and validate give the same reasons for \(file)")
            } else {
                XCTAssertEqual(v.code, LorabenchExit.ok, file)
                XCTAssertEqual(r.code, LorabenchExit.aborted, "\(file): valid, so run got past the check: \(r.err)")
            }
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [], [], "\(file): no run folder")
        }
    }

    func testUnsetAuthEnvIsRefusedByValidateRunAndSweepAlike() async throws {
        let a100 = Self.repo.appendingPathComponent("scenarios/a100.json").path
        let env = ["LORAX_URL": "http://127.0.0.1:9"]
        let expected = "lorabench: invalid scenario \(a100) (1 problem):\n  - target.auth_env: names LORAX_TOKEN, but that environment variable is not set\n"
        let v = await lorabench(["validate", a100], environment: env)
        XCTAssertEqual(v.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(v.err, expected)
        let r = await lorabench(["run", a100], environment: env)
        XCTAssertEqual(r.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(r.err, expected)
        let s = await lorabench(["sweep", a100, "--concurrency", "1"], environment: env)
        XCTAssertEqual(s.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(s.err, expected)
    }

    func testSweepBlockIsCheckedByValidateAsSweepReadsIt() async throws {
        let path = try writeTempScenario("""
        {"target":{"simulator":{"profile":"fast"}},"concurrency":1,"duration":"1s","sweep":{"concurrency":[1,0],"template":"x"}}
        """)
        let v = await lorabench(["validate", path])
        let s = await lorabench(["sweep", path])
        XCTAssertEqual(v.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(s.code, LorabenchExit.invalidConfig)
        XCTAssertEqual(v.err, s.err)
        XCTAssertTrue(v.err.contains("sweep.concurrency: values must be at least 1"), v.err)
        XCTAssertTrue(v.err.contains("sweep.template: expected a \"{i}\" placeholder"), v.err)
    }

    func testSweepUsesTheScenariosOwnAdapterIdsAndRefusesMoreThanItNames() async throws {
        let path = try writeTempScenario("""
        {"target":{"url":"http://127.0.0.1:9"},"concurrency":1,"duration":"1s","adapters":["a1","a2","a3","a4"],"sweep":{"adapters":[1,5],"concurrency":[1]}}
        """)
        let expected = "  - sweep.adapters: 5 adapters asked for, but the scenario names 4 (a1, a2, a3, a4); give a \"template\" to sweep further\n"
        let v = await lorabench(["validate", path])
        XCTAssertEqual(v.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(v.err.hasSuffix(expected), v.err)
        let s = await lorabench(["sweep", path])
        XCTAssertEqual(s.err, v.err, "sweep refuses what validate reports")
        let cli = await lorabench(["sweep", path, "--adapters", "6"])
        XCTAssertTrue(cli.err.contains("  - --adapters: 6 adapters asked for, but the scenario names 4"), cli.err)

        let check = ScenarioCheck(file: path, environment: [:])
        let sweep = try XCTUnwrap(try check.check(sweep: .required(SweepRequest(adapters: [0, 1, 4], concurrency: [2]))).sweep)
        XCTAssertEqual(sweep.cells.map { $0.scenario.adapters.ids }, [[], ["a1"], ["a1", "a2", "a3", "a4"]], "the first N of the scenario's ids")
        let none = try writeTempScenario(#"{"target":{"url":"http://127.0.0.1:9"},"concurrency":1,"duration":"1s"}"#)
        let noIds = await lorabench(["sweep", none, "--adapters", "0,2", "--concurrency", "1"])
        XCTAssertTrue(noIds.err.contains("--adapters: the scenario names no adapters to sweep over"), noIds.err)
        let withTemplate = await lorabench(["validate", none, "--set", #"sweep={"adapters":[0,2],"concurrency":[1],"template":"org/x-{i}"}"#])
        XCTAssertEqual(withTemplate.code, LorabenchExit.ok, withTemplate.err)
    }

    func testSimulatorSettingsAndFieldsAreReportedTogether() async throws {
        let path = try writeTempScenario(#"{"target":{"simulator":{"profile":"fast","decode_base_mss":3}},"concurency":2,"duration":"1s"}"#)
        let v = await lorabench(["validate", path])
        XCTAssertEqual(v.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(v.err.contains("  - concurency: "), v.err)
        XCTAssertTrue(v.err.contains("  - target.simulator.decode_base_mss: "), v.err)
    }

    func testJSONSyntaxErrorNamesLineAndColumn() async throws {
        let path = try writeTempScenario("{\n  \"target\": {\"url\": \"http://127.0.0.1:9\"},\n  \"duration\": 5s\n}\n")
        let v = await lorabench(["validate", path])
        XCTAssertEqual(v.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(v.err.contains("not valid JSON: line 3, column 16: "), v.err)
        let truncated = try writeTempScenario("{\"target\": {\"url\": \"http://127.0.0.1:9\"},\n  \"duration\": \"5s\",\n")
        let t = await lorabench(["run", truncated])
        XCTAssertEqual(t.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(t.err.contains("not valid JSON: line 2, column 20: unexpected end of file"), t.err)
    }
}
