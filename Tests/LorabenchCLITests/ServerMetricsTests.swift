import Foundation
import LoadGen
import LorabenchCLI
import Stats
import XCTest

/// The server's own view, scraped from the embedded simulator's /metrics during real runs.
final class ServerMetricsTests: XCTestCase {
    static func scenario(_ extra: String = "", duration: String = "2500ms") -> String {
        """
        {"name":"server-view","target":{"simulator":{"profile":"fast"}},"concurrency":3,"duration":"\(duration)",
         "input_words":{"min":5,"max":9},"max_new_tokens":{"min":4,"max":9},"health":{"interval":"50ms","timeout":"5s"},
         "server_metrics":{"interval":"1s"}\(extra)}
        """
    }

    /// Rows of server_metrics.csv for one metric, as (seconds, value).
    func rows(_ csv: String, _ metric: String) -> [(String, String)] {
        csv.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return f.count == 4 && f[1] == metric ? (f[0], f[3]) : nil
        }
    }

    func testServerCountsEqualTheClientsWithTheWarmUpLeftOut() async throws {
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", try writeTempScenario(Self.scenario()), "--out", out])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let s = try RunSummary.read(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")), source: "summary.json")
        let v = try XCTUnwrap(s.server, "the simulator has /metrics")
        XCTAssertGreaterThan(s.requests.succeeded, 20)
        XCTAssertGreaterThanOrEqual(v.scrapes, 3, "start, at least one every second, end")
        XCTAssertEqual(v.failedScrapes, 0)
        XCTAssertEqual(v.firstScrapeSeconds, 0)
        XCTAssertEqual(v.roles["requests_ok"]?.series, "lorax_request_success")
        XCTAssertEqual(v.roles["requests_ok"]?.value, Double(s.requests.succeeded))
        XCTAssertEqual(v.roles["output_tokens"]?.value, Double(s.outputTokens))
        XCTAssertGreaterThan(s.aggregate.inputTokens, 0, "the simulator reports prompt tokens to the client")
        XCTAssertEqual(v.roles["input_tokens"]?.value, Double(s.aggregate.inputTokens))
        XCTAssertEqual(v.roles["e2e"]?.count, Double(s.requests.succeeded))
        XCTAssertEqual(v.counters["lorax_request_count"]?.delta, Double(s.requests.succeeded))
        XCTAssertNil(v.roles["ttft"], "LoRAX has no TTFT histogram")
        let a = try XCTUnwrap(v.agreement)
        XCTAssertTrue(a.comparable)
        for name in ["requests", "output_tokens", "input_tokens"] {
            XCTAssertEqual(a.checks.first { $0.name == name }?.agrees, true, name)
        }
        XCTAssertNotNil(a.checks.first { $0.name == "e2e_p50" }?.serverLower)
        XCTAssertNil(a.checks.first { $0.name == "ttft_p50" }?.agrees)
        XCTAssertEqual(a.warmup, "one unmeasured warm-up request finished before the start scrape: neither side counts it")

        // The warm-up is in the server's counters at the start scrape and in neither side's window numbers.
        let csv = try String(contentsOfFile: out + "/server_metrics.csv", encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("seconds,metric,labels,value\n0.000,lorax_request_count,,1\n0.000,lorax_request_success,,1\n"), csv.prefix(200).description)
        let success = rows(csv, "lorax_request_success")
        XCTAssertEqual(success.count, v.scrapes)
        XCTAssertEqual(success.last?.1, String(s.requests.succeeded + 1), "the end scrape counts the warm-up too")
        XCTAssertTrue(csv.contains(",lorax_request_duration_bucket,le=+Inf,"))

        XCTAssertTrue(r.out.contains("  server view ....... http://127.0.0.1:"), r.out)
        XCTAssertTrue(r.out.contains("  server counts ..... \(s.requests.succeeded) ok, \(s.outputTokens) output tokens, \(s.aggregate.inputTokens) input tokens"), r.out)
        XCTAssertTrue(r.out.contains("requests \(s.requests.succeeded) vs \(s.requests.succeeded) ✓"), r.out)
        XCTAssertFalse(r.err.contains("disagree on requests") || r.err.contains("disagree on output_tokens"), r.err)
    }

    func testWithoutWarmUpTheCountsStillAgree() async throws {
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", try writeTempScenario(Self.scenario()), "--out", out, "--set", "health.warmup=false"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let s = try ResultFiles.summary(at: out)
        let v = try XCTUnwrap(s.server)
        XCTAssertEqual(v.roles["requests_ok"]?.value, Double(s.requests.succeeded))
        XCTAssertEqual(v.agreement?.warmup, "no warm-up request was sent")
        let csv = try String(contentsOfFile: out + "/server_metrics.csv", encoding: .utf8)
        XCTAssertEqual(rows(csv, "lorax_request_success").first?.1, "0")
    }

    func testOffMeansNoScrapesAndNoFile() async throws {
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", try writeTempScenario(Self.scenario(duration: "500ms")), "--out", out,
                                 "--set", "server_metrics=false"])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        XCTAssertNil(try ResultFiles.summary(at: out).server)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/server_metrics.csv"))
        XCTAssertFalse(r.out.contains("server view"))
    }

    func testANamedEndpointThatFailsIsCountedNotFatal() async throws {
        let out = SimHarness.tempDir()
        let r = await lorabench(["run", try writeTempScenario(Self.scenario(duration: "1500ms")), "--out", out,
                                 "--set", #"server_metrics={"url":"http://127.0.0.1:1/metrics","interval":"1s"}"#])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let v = try XCTUnwrap(try ResultFiles.summary(at: out).server)
        XCTAssertEqual(v.scrapes, 0)
        XCTAssertGreaterThanOrEqual(v.failedScrapes, 2, "the start and end scrapes at least")
        XCTAssertTrue(v.warnings.first?.hasPrefix("scrape failed: GET http://127.0.0.1:1/metrics: ") ?? false, "\(v.warnings)")
        XCTAssertTrue(r.err.contains("warning: server metrics scrape failed: GET http://127.0.0.1:1/metrics"), r.err)
        XCTAssertNil(v.agreement)
    }

    func testATargetWithoutMetricsSaysSoOnceAndRunsOn() async throws {
        let body = "not here"
        let server = try CannedServer(response: Array("HTTP/1.1 404 Not Found\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)".utf8))
        defer { server.stop() }
        let s = try ScenarioLoader.load(document: .object([
            "name": .string("no-metrics"), "target": .object(["url": .string(server.baseURL)]), "concurrency": .int(1),
            "duration": .string("300ms"), "health": .bool(false), "think_time": .string("100ms")]), file: "s.json", environment: [:])
        let lines = LogLines()
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        o.log = { lines.add($0) }
        let out = try await Runner(scenario: s, baseURL: server.baseURL, options: o).run()
        XCTAssertNil(out.summary.server)
        XCTAssertEqual(lines.all.filter { $0.hasPrefix("no server view") }, [
            "no server view: GET \(server.baseURL)/metrics: HTTP 404 (name the endpoint with \"server_metrics\": {\"url\": …}, or set it to false)",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.directory + "/server_metrics.csv"))
    }

    func testAHugeOrUnreadableBodyIsAWarningNotAFailedRun() async throws {
        let huge = try CannedServer(response: Array("HTTP/1.1 200 OK\r\ncontent-length: \(9 << 20)\r\nconnection: close\r\n\r\n".utf8)
                                    + [UInt8](repeating: 0x31, count: 9 << 20))
        let html = try CannedServer(response: Array("HTTP/1.1 200 OK\r\ncontent-length: 13\r\nconnection: close\r\n\r\n<html></html>".utf8))
        defer { huge.stop(); html.stop() }
        for (server, reason) in [(huge, "body larger than 8 MiB"), (html, "is not Prometheus text (line 1: ")] {
            let out = SimHarness.tempDir()
            let r = await lorabench(["run", try writeTempScenario(Self.scenario(duration: "300ms")), "--out", out,
                                     "--set", #"server_metrics={"url":"\#(server.baseURL)/metrics"}"#])
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            let v = try XCTUnwrap(try ResultFiles.summary(at: out).server)
            XCTAssertEqual(v.scrapes, 0)
            XCTAssertEqual(v.failedScrapes, 2)
            XCTAssertTrue(v.warnings.allSatisfy { $0.contains(reason) }, "\(v.warnings)")
        }
    }

    func testTheBearerTokenIsSentAndWrittenNowhere() async throws {
        let token = "tok-\(UUID().uuidString)"
        let h = try await SimHarness.start(#"{"profile":"fast","api_token":"\#(token)"}"#)
        let s = try h.scenario(["concurrency": .int(2), "duration": .string("1s")], target: ["auth_env": .string("LB_TEST_TOKEN")])
        let out = try await h.run(s, token: token)
        await h.stop()
        let v = try XCTUnwrap(out.summary.server)
        XCTAssertEqual(v.failedScrapes, 0, "the scrape carries the token (the simulator answers 401 without it)")
        XCTAssertEqual(v.roles["requests_ok"]?.value, Double(out.summary.requests.succeeded))
        for f in try FileManager.default.contentsOfDirectory(atPath: out.directory) {
            let text = try String(contentsOfFile: out.directory + "/" + f, encoding: .utf8)
            XCTAssertFalse(text.contains(token), "\(f) holds the token")
        }
    }
}

/// Log lines collected from the runner's log (called from any thread).
private final class LogLines: @unchecked Sendable {  // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ l: String) { lock.withLock { lines.append(l) } }
    var all: [String] { lock.withLock { lines } }
}
