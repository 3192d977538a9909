import Foundation
import Stats
import XCTest

/// deploy/nightly/nightly.sh end to end with the built binary and the embedded simulator: the first night becomes
/// the baseline, a same-speed night is good, a slower decode fails with 99 and the comparison and dashboard are written.
final class NightlyScriptTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testNightsBecomeBaselinesAndASlowerNightFails() throws {
        let binary = Self.root.appendingPathComponent(".build/debug/lorabench").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("\(binary) not built (swift build builds it)") }
        let scenario = try writeTempScenario("""
        {"name":"nightly","target":{"simulator":{"profile":"fast","decode_base_ms":12,"seed":7}},"seed":7,
         "concurrency":8,"duration":"3s","input_words":{"min":5,"max":8},"max_new_tokens":{"min":16,"max":16},
         "health":{"interval":"50ms","timeout":"5s"},"thresholds":{"error_rate":"< 0.5"}}
        """)
        let results = SimHarness.tempDir()
        func night(_ sets: String) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [Self.root.appendingPathComponent("deploy/nightly/nightly.sh").path, scenario]
            var env = ProcessInfo.processInfo.environment
            env["LORABENCH"] = binary; env["RESULTS_ROOT"] = results; env["SETS"] = sets; env["TAGS"] = "night=test"
            env["FAIL_ON"] = "tpot.p50:+10%,itl.p50:+10%"
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        let (rc1, log1) = try night("")
        XCTAssertEqual(rc1, 0, log1)
        XCTAssertTrue(log1.contains("nightly: no good night of "), log1)
        Thread.sleep(forTimeInterval: 1.1)  // night folders are named to the second
        let (rc2, log2) = try night("")
        XCTAssertEqual(rc2, 0, log2)
        XCTAssertTrue(log2.contains(" compare ") && log2.contains(" is good"), log2)
        Thread.sleep(forTimeInterval: 1.1)
        let (rc3, log3) = try night("target.simulator.decode_base_ms=30")
        XCTAssertEqual(rc3, 99, log3)
        XCTAssertTrue(log3.contains("regressions on a --fail-on gate, beyond sampling noise: tpot.p50, itl.p50"), log3)
        XCTAssertTrue(log3.contains("base: 2 runs pooled"), "both good nights make the baseline: " + log3)

        let nights = try FileManager.default.contentsOfDirectory(atPath: results).filter { $0.hasPrefix(URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent) }.sorted()
        XCTAssertEqual(nights.count, 3)
        let good = nights.filter { FileManager.default.fileExists(atPath: "\(results)/\($0)/GOOD") }
        XCTAssertEqual(good, Array(nights.prefix(2)), "the slow night does not join the baseline")
        let md = try String(contentsOfFile: "\(results)/\(nights[2])/compare.md", encoding: .utf8)
        XCTAssertTrue(md.contains("| **REGRESSION** |"), md)
        XCTAssertTrue(try String(contentsOfFile: "\(results)/\(nights[2])/compare.junit.xml", encoding: .utf8).contains("<failure "))
        let index = try String(contentsOfFile: results + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<h1>lorabench trend: 3 runs</h1>"), "the dashboard holds all three nights")
        let last = try ResultFiles.summary(at: "\(results)/\(nights[2])")
        XCTAssertEqual(last.run.tags, ["night": "test"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(results)/\(nights[2])/requests.jsonl"))
    }
}
