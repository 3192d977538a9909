import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

final class ServerRestartTests: XCTestCase {
    /// The gateway dies mid-run and comes back on the same port: failures are counted, then measuring resumes.
    func testServerDyingMidRunAndComingBack() async throws {
        let config = try SimConfig.decode(from: Data(#"{"profile":"fast","decode_base_ms":10}"#.utf8))
        let first = try await LoraxSimServer.start(config)
        let port = first.port
        let doc: JSONValue = .object(["name": .string("restart"), "target": .object(["url": .string(first.baseURL)]),
                                      "concurrency": .int(4), "duration": .string("3s"), "think_time": .string("50ms"),
                                      "health": .object(["interval": .string("50ms"), "timeout": .string("2s")]),
                                      "input_words": .int(5), "max_new_tokens": .int(20), "stream_idle_timeout": .string("1s")])
        let s = try ScenarioLoader.load(document: doc, file: "restart.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        let runner = Runner(scenario: s, baseURL: first.baseURL, options: o)
        let restart = Task {
            try await Task.sleep(for: .milliseconds(900))
            try await first.shutdown()
            try await Task.sleep(for: .milliseconds(700))
            return try await LoraxSimServer.start(config, port: port)
        }
        let out = try await runner.run()
        let second = try await restart.value
        try await second.shutdown()
        let e = out.summary.requests.errors
        XCTAssertGreaterThan(out.summary.requests.failed, 0, "requests failed while the server was down")
        XCTAssertEqual(out.summary.requests.failed, (e["connect"] ?? 0) + (e["incomplete"] ?? 0) + (e["timeout"] ?? 0))
        let rows = try readRequestsCSV(out.directory)
        let lastFailure = rows.filter { $0["error_class"] != "" }.compactMap { Double($0["sent_ms"]!) }.max() ?? 0
        let okAfter = rows.filter { $0["error_class"] == "" && Double($0["sent_ms"]!)! > lastFailure }
        XCTAssertGreaterThan(okAfter.count, 10, "measuring resumed once the server was back")
        XCTAssertEqual(rows.count, out.summary.requests.succeeded + out.summary.requests.failed)
    }
}
