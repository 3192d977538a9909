import ArgumentParser
import Foundation
@testable import LorabenchCLI
import Stats
import XCTest

final class SweepTests: XCTestCase {
    func testSweepShowsColdAdaptersAndTTFTRisingWithAdapterCount() async throws {
        let path = try writeTempScenario("""
        {"name":"sw","target":{"simulator":{"profile":"fast","max_active_adapters":4,"adapter_load_ms":60}},
         "concurrency":1,"duration":"2s","think_time":"50ms",
         "input_words":{"min":5,"max":8},"max_new_tokens":{"min":5,"max":8},
         "adapters":{"count":1,"template":"org/lora-{i}","distribution":"uniform"},
         "health":{"interval":"50ms","timeout":"5s"},"slo":{"ttft_ms":100}}
        """)
        let out = NSTemporaryDirectory() + "sweep-out-\(UUID().uuidString)"
        let code = await lorabench(["sweep", path, "--adapters", "1,6", "--concurrency", "4", "--out", out]).code
        XCTAssertEqual(code, LorabenchExit.ok)
        let report = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/sweep.json")))
        XCTAssertTrue(report.complete)
        XCTAssertEqual(report.rows.map(\.cell), ["a1-c4", "a6-c4"])
        let one = report.rows[0], many = report.rows[1]
        XCTAssertGreaterThan(many.ttftP95 ?? 0, one.ttftP95 ?? .infinity, "more adapters than active slots: loads and swaps show in TTFT")
        let cold = try XCTUnwrap(many.coldTTFTP50)
        XCTAssertGreaterThan(cold, 1.2 * (many.warmTTFTP50 ?? .infinity), "first touches wait for the serial loader: \(cold) vs warm \(String(describing: many.warmTTFTP50))")
        XCTAssertGreaterThan(cold, 4 * (one.warmTTFTP50 ?? .infinity), "cold TTFT is visibly above warm TTFT")
        let manyCell = try ResultFiles.summary(at: out + "/cells/a6-c4")
        let loads = try XCTUnwrap(manyCell.server?.roles["adapter_loads"]?.value, "the simulator says how many adapters it loaded")
        XCTAssertGreaterThanOrEqual(loads, 6, "every first touch was a cold load on a fresh simulator (more with 4 active slots)")
        let touches = try XCTUnwrap(manyCell.firstTouch)
        XCTAssertEqual(touches.count, 6, "one first touch per adapter")
        let penalties = touches.compactMap(\.penaltyMs)
        XCTAssertFalse(penalties.isEmpty, "some first touches had repeats in flight beside them")
        XCTAssertGreaterThan(penalties.sorted()[penalties.count / 2], 0, "a cold load costs more than the repeats beside it: \(touches)")
        for f in ["sweep.csv", "ttft-vs-adapters.svg", "throughput-vs-load.svg", "cells/a1-c4/summary.json", "cells/a6-c4/requests.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }
        let csv = try String(contentsOfFile: out + "/sweep.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(try String(contentsOfFile: out + "/ttft-vs-adapters.svg", encoding: .utf8).contains("<polyline"))

        // --resume keeps finished cells instead of running them again.
        try FileManager.default.removeItem(atPath: out + "/sweep.json")
        let cellMTime = try FileManager.default.attributesOfItem(atPath: out + "/cells/a1-c4/summary.json")[.modificationDate] as? Date
        let code2 = await lorabench(["sweep", path, "--adapters", "1,6", "--concurrency", "4", "--out", out, "--resume"]).code
        XCTAssertEqual(code2, LorabenchExit.ok)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: out + "/cells/a1-c4/summary.json")[.modificationDate] as? Date, cellMTime)
        let resumed = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/sweep.json")))
        XCTAssertEqual(resumed.rows, report.rows)
    }

    func testUntilSLOFindsTheCapacityPerAdapterCount() async throws {
        // Two sequences per batch at ~20 ms a token: up to 2 VUs get their first token at once, more queue for a
        // whole 10-token generation (~200 ms), far over the 120 ms TTFT objective.
        let path = try writeTempScenario("""
        {"name":"slo","target":{"simulator":{"profile":"fast","max_batch_size":2,"decode_base_ms":20}},
         "concurrency":1,"duration":"1500ms","input_words":5,"max_new_tokens":10,
         "health":{"interval":"50ms","timeout":"5s"},"slo":{"ttft_ms":120}}
        """)
        let out = NSTemporaryDirectory() + "slo-out-\(UUID().uuidString)"
        let code = await lorabench(["sweep", path, "--adapters", "0", "--concurrency", "1,8", "--until-slo", "--slo-fraction", "0.9", "--out", out]).code
        XCTAssertEqual(code, LorabenchExit.ok)
        let report = try JSONDecoder().decode(SweepReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/sweep.json")))
        XCTAssertEqual(report.capacity["0"], 2, "bisection between 1 (holds) and 8 (fails) lands on the batch size: \(report.rows.map { ($0.cell, $0.goodputFraction ?? -1) })")
        XCTAssertEqual(Set(report.rows.map(\.cell)), ["a0-c1", "a0-c8", "a0-c4", "a0-c2", "a0-c3"])
    }

    func testInvalidSweepOptionsExit104BeforeRunning() async throws {
        let path = try writeTempScenario(#"{"target":{"simulator":{"profile":"fast"}},"concurrency":1,"duration":"1s"}"#)
        let c1 = await lorabench(["sweep", path, "--adapters", "1"]).code
        XCTAssertEqual(c1, LorabenchExit.invalidConfig)
        let c2 = await lorabench(["sweep", path, "--concurrency", "1,x"]).code
        XCTAssertEqual(c2, LorabenchExit.invalidConfig)
        let c3 = await lorabench(["sweep", path, "--concurrency", "1,2", "--until-slo"]).code
        XCTAssertEqual(c3, LorabenchExit.invalidConfig)
    }
}
