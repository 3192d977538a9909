import Foundation
import LorabenchCLI
import Stats
import XCTest

/// The HTML dashboards in a real browser: Debian's headless Chromium (its background networking off and every
/// request sent to a dead loopback proxy, so it sends nothing off this machine) loads each page, and the DOM it
/// leaves says every chart was drawn and no script failed; a screenshot is kept for people to look at.
final class DashboardBrowserTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            throw XCTSkip("\(Self.chromium) is not installed (apt-get install chromium; scripts/install-test-tools.sh does it)")
        }
    }

    func testTrendAndRunPagesDrawEveryChartWithoutScriptErrors() async throws {
        let work = SimHarness.tempDir()
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let path = try writeTempScenario(CommandOutputTests.small.replacingOccurrences(of: #""concurrency":2"#,
                                                                                     with: #""concurrency":2,"adapters":["org/a","org/b"]"#))
        let failing = try writeTempScenario(CommandOutputTests.small.replacingOccurrences(of: #""profile":"fast""#,
                                                                                        with: #""profile":"fast","faults":{"http_error_every":1}"#))
        var dirs: [String] = []
        for (i, (scenario, tag)) in [(path, "night=a"), (path, "night=b"), (failing, "night=a"), (path, "night=a")].enumerated() {
            let out = work + "/run\(i)"
            let r = await lorabench(["run", scenario, "--out", out, "--quiet", "--tag", tag])
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
            dirs.append(out)
        }
        let trend = work + "/trend.html", single = work + "/run.html"
        let t = await lorabench(["report"] + dirs + ["--format", "html", "--out", trend])
        XCTAssertEqual(t.code, LorabenchExit.ok, t.err)
        let one = await lorabench(["report", dirs[0], "--format", "html", "--out", single])
        XCTAssertEqual(one.code, LorabenchExit.ok, one.err)

        let trendDOM = try browse(trend, screenshot: work + "/trend.png")
        XCTAssertEqual(attribute("data-charts", trendDOM), "8", "six metric trends and a per-adapter TTFT trend for each of the two groups")
        XCTAssertEqual(attribute("data-charts-drawn", trendDOM), "8", "each has a line or points and a size on the page")
        XCTAssertTrue(trendDOM.contains(#"<div id="script-errors" class="fail"></div>"#), "no script error was recorded")
        XCTAssertTrue(trendDOM.contains(#"data-x-axis="time""#), "x is the runs' start times")
        XCTAssertTrue(trendDOM.contains("class=\"failed-marker\""), "the all-failed run is marked")
        XCTAssertTrue(trendDOM.contains("out [night=a]") && trendDOM.contains("out [night=b]"), "tags make groups")
        XCTAssertTrue(trendDOM.contains("TTFT p50 per adapter: out [night=a]"))

        let runDOM = try browse(single, screenshot: work + "/run.png")
        XCTAssertEqual(attribute("data-charts", runDOM), "5", "TTFT histogram and four time series")
        XCTAssertEqual(attribute("data-charts-drawn", runDOM), "5")
        XCTAssertTrue(runDOM.contains(#"<div id="script-errors" class="fail"></div>"#))
        for png in ["trend.png", "run.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: work + "/" + png)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 20_000, "\(png) holds a rendered page")
        }
        print("dashboard screenshots: \(work)/trend.png \(work)/run.png")
    }

    /// The DOM after Chromium ran the page's script, and a 1280 px wide screenshot.
    func browse(_ page: String, screenshot: String) throws -> String {
        let profile = SimHarness.tempDir()
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-pings", "--no-first-run", "--proxy-server=127.0.0.1:9", "--user-data-dir=" + profile,
                      "--hide-scrollbars"]
        let dom = try run(common + ["--dump-dom", "file://" + page])
        _ = try run(common + ["--window-size=1280,2600", "--screenshot=" + screenshot, "file://" + page])
        return dom
    }

    func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.chromium)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "chromium \(args.last ?? "")")
        return String(decoding: data, as: UTF8.self)
    }

    func attribute(_ name: String, _ dom: String) -> String? {
        guard let r = dom.range(of: name + "=\"") else { return nil }
        return String(dom[r.upperBound...].prefix { $0 != "\"" })
    }
}
