import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

final class InterruptAndSecretTests: XCTestCase {
    func testInterruptedRunLeavesCompleteValidResults() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","decode_base_ms":30}"#)
        let s = try h.scenario(["concurrency": .int(20), "duration": .string("30s"), "graceful_stop": .string("200ms"),
                                "max_new_tokens": .object(["min": .int(200), "max": .int(300)])])
        let started = Date()
        let out = try await h.run(s) { runner in
            DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { runner.stop() }
        }
        await h.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 6, "stopped long before the 30 s schedule")
        XCTAssertTrue(out.summary.run.interrupted)
        XCTAssertGreaterThan(out.summary.requests.interrupted, 0, "long streams were cut off after the grace period")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.directory).sorted()
        XCTAssertEqual(files, ["requests.csv", "server_metrics.csv", "streaming.csv", "summary.json", "timeseries.csv"], "no .partial or temp files")
        let rows = try readRequestsCSV(out.directory)
        XCTAssertEqual(rows.count, out.summary.requests.succeeded + out.summary.requests.failed)
        let summary = try RunSummary.read(try Data(contentsOf: URL(fileURLWithPath: out.directory + "/summary.json")), source: "s")
        XCTAssertEqual(summary.aggregate.interrupted, out.summary.requests.interrupted)
    }

    func testAbortCutsOffAtOnceAndStillWritesFiles() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","decode_base_ms":30}"#)
        let s = try h.scenario(["concurrency": .int(10), "duration": .string("30s"), "graceful_stop": .string("20s"),
                                "max_new_tokens": .object(["min": .int(500), "max": .int(500)])])
        let started = Date()
        let out = try await h.run(s) { runner in
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { runner.stop() }
            DispatchQueue.global().asyncAfter(deadline: .now() + 1.3) { runner.abort() }
        }
        await h.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the second stop did not wait for graceful_stop")
        XCTAssertEqual(out.summary.requests.interrupted, 10)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.directory + "/summary.json"))
    }

    func testBearerTokenIsSentButNeverWritten() async throws {
        let token = "tok-\(UUID().uuidString)"
        let h = try await SimHarness.start(#"{"profile":"fast","api_token":"\#(token)"}"#)
        let s = try h.scenario(["concurrency": .int(2), "duration": .string("1s")],
                               target: ["auth_env": .string("LB_TEST_TOKEN"), "headers": .object(["X-Api-Key": .string(token)])])
        let out = try await h.run(s, token: token)
        await h.stop()
        XCTAssertGreaterThan(out.summary.requests.succeeded, 0, "the simulator accepted the bearer token")
        XCTAssertEqual(out.summary.requests.failed, 0)
        for f in try FileManager.default.contentsOfDirectory(atPath: out.directory) {
            let text = try String(contentsOfFile: out.directory + "/" + f, encoding: .utf8)
            XCTAssertFalse(text.contains(token), "\(f) contains the token")
        }
        XCTAssertFalse(TerminalReport.render(out.summary).contains(token))
    }

    func testWrongTokenGivesHTTPErrors() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast","api_token":"right"}"#)
        let s = try h.scenario(["concurrency": .int(2), "duration": .string("500ms"), "health": .bool(false)])
        let out = try await h.run(s, token: "wrong")
        await h.stop()
        XCTAssertGreaterThan(out.summary.requests.errors["http"] ?? 0, 0)
        XCTAssertEqual(out.summary.requests.statusCodes["401"], out.summary.requests.failed)
    }
}
