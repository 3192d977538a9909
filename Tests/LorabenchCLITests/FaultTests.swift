import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// Every fault the simulator can inject lands in the right error class, with the right count, and the run goes on.
final class FaultTests: XCTestCase {
    func testEveryInjectedFaultIsClassifiedAndCountedExactly() async throws {
        let h = try await SimHarness.start("""
        {"profile":"fast","seed":3,"faults":{"stream_error_every":7,"incomplete_every":11,"disconnect_every":13,
         "http_error_every":17,"malformed_every":19,"stall_every":23,"stall_ms":1500}}
        """)
        let s = try h.scenario(["concurrency": .int(12), "duration": .string("3s"), "stream_idle_timeout": .string("400ms"),
                                "graceful_stop": .string("3s")])
        let out = try await h.run(s)
        await h.stop()
        let truth = h.sim.requests().filter { $0.route != "/health" }
        let rows = try readRequestsCSV(out.directory)
        let byID = Dictionary(rows.map { ($0["request_id"] ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let expectedClass = ["stream_error": "stream", "incomplete": "incomplete", "disconnect": "incomplete",
                             "http_error": "http", "malformed": "protocol", "stall": "timeout"]
        var injected: [String: Int] = [:]
        for t in truth {
            guard let fault = t.fault, let row = byID[t.id] else { continue }
            injected[fault, default: 0] += 1
            XCTAssertEqual(row["error_class"], expectedClass[fault], "request \(t.id) with fault \(fault): \(row)")
        }
        for fault in expectedClass.keys { XCTAssertGreaterThan(injected[fault] ?? 0, 0, "fault \(fault) was injected") }
        let e = out.summary.requests.errors
        XCTAssertEqual(e["stream"], injected["stream_error"])
        XCTAssertEqual(e["incomplete"], (injected["incomplete"] ?? 0) + (injected["disconnect"] ?? 0))
        XCTAssertEqual(e["http"], injected["http_error"])
        XCTAssertEqual(e["protocol"], injected["malformed"])
        XCTAssertEqual(e["timeout"], injected["stall"])
        XCTAssertEqual(out.summary.requests.streamErrorTypes["generation"], injected["stream_error"])
        // Requests without a fault are measured as usual.
        let clean = rows.filter { $0["error_class"] == "" }
        XCTAssertGreaterThan(clean.count, 20)
        XCTAssertEqual(out.summary.requests.succeeded, clean.count)
        XCTAssertTrue(clean.allSatisfy { Double($0["ttft_ms"] ?? "") != nil && Int($0["output_tokens"] ?? "") == Int($0["max_new_tokens"] ?? "-") })
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.directory + "/summary.json"))))
    }

    func testConnectionRefusedIsAConnectErrorNotACrash() async throws {
        // Bind and close a socket to get a port nobody listens on.
        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        let deadURL = h.sim.baseURL
        await h.stop()
        let doc: JSONValue = .object(["name": .string("dead"), "target": .object(["url": .string(deadURL)]),
                                      "concurrency": .int(2), "duration": .string("500ms"), "health": .bool(false),
                                      "think_time": .string("100ms")])
        let s = try ScenarioLoader.load(document: doc, file: "t.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        let out = try await Runner(scenario: s, baseURL: deadURL, options: o).run()
        XCTAssertGreaterThan(out.summary.requests.errors["connect"] ?? 0, 2)
        XCTAssertEqual(out.summary.requests.succeeded, 0)
        XCTAssertEqual(out.summary.requests.errorRate, 1)
    }

    func testUnhealthyTargetFailsClearlyAndLeavesNoResultsFolder() async throws {
        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        let deadURL = h.sim.baseURL
        await h.stop()
        let doc: JSONValue = .object(["target": .object(["url": .string(deadURL)]), "duration": .string("1s"),
                                      "health": .object(["interval": .string("50ms"), "timeout": .string("300ms")])])
        let s = try ScenarioLoader.load(document: doc, file: "t.json", environment: [:])
        let root = SimHarness.tempDir()
        var o = RunOptions()
        o.resultsRoot = root
        do {
            _ = try await Runner(scenario: s, baseURL: deadURL, options: o).run()
            XCTFail("should not run")
        } catch let e as RunError {
            XCTAssertTrue(e.description.contains("\(deadURL)/health did not answer 200 within 300ms"), e.description)
        }
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [], [], "no run folder left behind")
    }
}
