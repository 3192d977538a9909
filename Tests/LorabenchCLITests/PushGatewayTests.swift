import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LorabenchCLI
import Stats
import XCTest

/// `--push-gateway` and `--tag` against the real programs: Debian's prometheus-pushgateway, and Prometheus scraping
/// it, read back through Prometheus' HTTP query API; `promtool check metrics` on the export.
final class PushGatewayTests: XCTestCase {
    static let binaries = ["/usr/bin/prometheus-pushgateway", "/usr/bin/prometheus", "/usr/bin/promtool"]

    override func setUpWithError() throws {
        for b in Self.binaries where !FileManager.default.isExecutableFile(atPath: b) {
            throw XCTSkip("\(b) is not installed (apt-get install prometheus prometheus-pushgateway; scripts/test.sh does it)")
        }
    }

    func testAPushedRunReadsBackThroughPrometheusAndTheNextPushReplacesItWhole() async throws {
        let work = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let gatewayPort = try freePort(), promPort = try freePort()
        let gateway = try spawn(Self.binaries[0], ["--web.listen-address=127.0.0.1:\(gatewayPort)"], log: work + "/pushgateway.log")
        defer { gateway.terminate(); gateway.waitUntilExit() }
        let config = """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: pushgateway
            honor_labels: true
            static_configs: [{targets: ["127.0.0.1:\(gatewayPort)"]}]
        """
        try config.write(toFile: work + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prom = try spawn(Self.binaries[1], ["--config.file=\(work)/prometheus.yml", "--storage.tsdb.path=\(work)/tsdb",
                                                "--web.listen-address=127.0.0.1:\(promPort)"], log: work + "/prometheus.log")
        defer { prom.terminate(); prom.waitUntilExit() }
        try await waitFor("http://127.0.0.1:\(gatewayPort)/-/ready")
        try await waitFor("http://127.0.0.1:\(promPort)/-/ready")

        let path = try writeTempScenario(CommandOutputTests.small.replacingOccurrences(of: #""name":"out""#, with: #""name":"night run""#))
        let out = work + "/run1"
        let r = await lorabench(["run", path, "--out", out, "--tag", "night=n1", "--tag", "commit=abc/1",
                                 "--push-gateway", "http://127.0.0.1:\(gatewayPort)", "--set", #"thresholds={"error_rate":"< 0.5"}"#])
        XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        let s = try ResultFiles.summary(at: out)
        XCTAssertEqual(s.run.tags, ["night": "n1", "commit": "abc/1"], "the tags are kept in summary.json")
        XCTAssertTrue(r.err.contains("pushed to http://127.0.0.1:\(gatewayPort)/metrics/job/lorabench/scenario@base64/bmlnaHQgcnVu/commit@base64/YWJjLzE=/night@base64/bjE=\n"), r.err)

        let p95 = try XCTUnwrap(s.metrics["ttft"]?.p95)
        let selector = #"{scenario="night run",night="n1",commit="abc/1",percentile="95"}"#
        let read = try await query("lorabench_ttft_percentile_seconds" + selector, port: promPort) { $0 != nil }
        XCTAssertEqual(try XCTUnwrap(read), p95 / 1000, accuracy: 1e-9, "Prometheus holds the run's exact TTFT p95")
        let fromBuckets = try await query(#"histogram_quantile(0.95, lorabench_ttft_seconds_bucket{scenario="night run",night="n1"})"#,
                                          port: promPort) { $0 != nil }
        XCTAssertEqual(try XCTUnwrap(fromBuckets), p95 / 1000, accuracy: p95 / 1000 * 0.35, "PromQL over the exported buckets lands near it")
        let tokens = try await query(#"lorabench_output_tokens_total{scenario="night run",night="n1"}"#, port: promPort) { $0 != nil }
        XCTAssertEqual(tokens, Double(s.outputTokens))

        // Every query of the Grafana dashboard answers with data from the pushed run.
        let dashboard = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dashboardPath))) as? [String: Any])
        let exprs = (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        XCTAssertGreaterThanOrEqual(exprs.count, 10)
        for e in exprs {
            let promQL = e.replacingOccurrences(of: "$scenario", with: "night run").replacingOccurrences(of: "$adapter", with: ".*")
                .replacingOccurrences(of: "$percentile", with: "50|95|99")
            let n = try await seriesCount(promQL, port: promPort)
            XCTAssertGreaterThan(n, 0, "the dashboard's query \(promQL) found no series")
        }

        // The next night fails every request: its push replaces the group whole, so TTFT becomes NaN, not last night's number.
        let failing = try writeTempScenario(CommandOutputTests.small
            .replacingOccurrences(of: #""name":"out""#, with: #""name":"night run""#)
            .replacingOccurrences(of: #""profile":"fast""#, with: #""profile":"fast","faults":{"http_error_every":1}"#))
        let r2 = await lorabench(["run", failing, "--out", work + "/run2", "--tag", "night=n1", "--tag", "commit=abc/1",
                                  "--push-gateway", "http://127.0.0.1:\(gatewayPort)"])
        XCTAssertEqual(r2.code, LorabenchExit.ok, r2.err)
        let after = try await query("lorabench_ttft_percentile_seconds" + selector, port: promPort) { $0?.isNaN == true }
        XCTAssertTrue(after?.isNaN == true, "the failed night shows no TTFT, not the previous one: \(String(describing: after))")
        let ratio = try await query(#"lorabench_error_ratio{scenario="night run",night="n1"}"#, port: promPort) { $0 == 1 }
        XCTAssertEqual(ratio, 1)

        // promtool's own linter on both exports.
        for dir in [out, work + "/run2"] {
            let rep = await lorabench(["report", dir, "--format", "prometheus"])
            XCTAssertEqual(rep.code, LorabenchExit.ok)
            let (status, said) = try run(Self.binaries[2], ["check", "metrics"], stdin: rep.out)
            XCTAssertEqual(status, 0, "promtool check metrics: \(said)")
        }
    }

    func testAGatewayThatRefusesThePushFailsTheRunLoudlyAndKeepsTheResults() async throws {
        let path = try writeTempScenario(CommandOutputTests.small)
        let out = SimHarness.tempDir()
        let dead = try freePort()
        let r = await lorabench(["run", path, "--out", out, "--quiet", "--push-gateway", "http://127.0.0.1:\(dead)"])
        XCTAssertEqual(r.code, LorabenchExit.runError)
        XCTAssertTrue(r.err.contains("lorabench: push to http://127.0.0.1:\(dead)/metrics/job/lorabench/scenario@base64/b3V0 failed: "), r.err)
        XCTAssertTrue(r.err.contains("the results are complete in \(out)"), r.err)
        XCTAssertNoThrow(try ResultFiles.summary(at: out))

        let badTag = await lorabench(["run", path, "--tag", "scenario=x"])
        XCTAssertEqual(badTag.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(badTag.err.contains("--tag: \"scenario\" is a label lorabench's exports already use; pick another tag name"), badTag.err)
        let badURL = await lorabench(["sweep", path, "--push-gateway", "127.0.0.1:9091"])
        XCTAssertEqual(badURL.code, LorabenchExit.invalidConfig)
        XCTAssertTrue(badURL.err.contains("--push-gateway: expected an http:// or https:// URL, got \"127.0.0.1:9091\""), badURL.err)
    }

    // MARK: helpers

    static var dashboardPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/grafana/lorabench.json").path
    }

    /// How many series an instant query returns (polled until it returns some, up to 10 s); fails the test on a PromQL error.
    func seriesCount(_ promQL: String, port: Int) async throws -> Int {
        var comps = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        comps.queryItems = [URLQueryItem(name: "query", value: promQL)]
        var count = 0
        for _ in 0..<50 {
            if let (status, data) = await get(comps.url!.absoluteString) {
                let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                guard status == 200, doc?["status"] as? String == "success" else {
                    XCTFail("\(promQL): HTTP \(status) \(String(decoding: data, as: UTF8.self))")
                    return 0
                }
                count = ((doc?["data"] as? [String: Any])?["result"] as? [Any])?.count ?? 0
                if count > 0 { return count }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return count
    }

    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw XCTSkip("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    func spawn(_ exe: String, _ args: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = h
        p.standardError = h
        try p.run()
        return p
    }

    func run(_ exe: String, _ args: [String], stdin: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, said)
    }

    func get(_ url: String) async -> (Int, Data)? {
        guard let u = URL(string: url) else { return nil }
        var req = URLRequest(url: u)
        req.timeoutInterval = 2
        guard let (data, resp) = try? await URLSession.shared.data(for: req) else { return nil }
        return ((resp as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func waitFor(_ url: String) async throws {
        for _ in 0..<150 {
            if let (status, _) = await get(url), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTFail("\(url) never became ready")
    }

    /// An instant query's single value, polled (up to 20 s: Prometheus scrapes every second) until `done` accepts it.
    func query(_ promQL: String, port: Int, until done: (Double?) -> Bool) async throws -> Double? {
        var comps = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        comps.queryItems = [URLQueryItem(name: "query", value: promQL)]
        var last: Double?
        for _ in 0..<100 {
            if let (status, data) = await get(comps.url!.absoluteString), status == 200,
               let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let result = (doc["data"] as? [String: Any])?["result"] as? [[String: Any]] {
                last = (result.first?["value"] as? [Any])?.last.flatMap { ($0 as? String).flatMap(Double.init) }
                if result.count > 1 { XCTFail("\(promQL): \(result.count) series, expected one") }
                if done(last) { return last }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }
}
