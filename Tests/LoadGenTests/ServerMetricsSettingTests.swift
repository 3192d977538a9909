import Foundation
import LoadGen
import Stats
import XCTest

/// `server_metrics` in a scenario: off, on by default, a URL or a path, an interval, and mistakes at their paths.
final class ServerMetricsSettingTests: XCTestCase {
    func load(_ extra: [String: JSONValue]) throws -> Scenario {
        var doc: [String: JSONValue] = ["name": .string("s"), "target": .object(["url": .string("http://h:1")]),
                                        "concurrency": .int(1), "duration": .string("1s")]
        doc.merge(extra) { $1 }
        return try ScenarioLoader.load(document: .object(doc), file: "s.json", environment: [:])
    }

    func testDefaultsOffPathsAndURLs() throws {
        let d = try load([:]).serverMetrics
        XCTAssertEqual(d, Scenario.ServerMetrics(enabled: true, url: nil, interval: .seconds(5)))
        XCTAssertFalse(d.explicit)
        XCTAssertEqual(d.resolvedURL(baseURL: "http://h:1"), "http://h:1/metrics")
        XCTAssertFalse(try load(["server_metrics": .bool(false)]).serverMetrics.enabled)
        let p = try load(["server_metrics": .object(["url": .string("/prom"), "interval": .string("2s")])]).serverMetrics
        XCTAssertEqual(p.resolvedURL(baseURL: "http://h:1"), "http://h:1/prom")
        XCTAssertEqual(p.interval, .seconds(2))
        XCTAssertTrue(p.explicit)
        let u = try load(["server_metrics": .object(["url": .string("https://m:9/metrics")])]).serverMetrics
        XCTAssertEqual(u.resolvedURL(baseURL: "http://h:1"), "https://m:9/metrics")
    }

    func testMistakesAreReportedAtTheirPaths() {
        XCTAssertThrowsError(try load(["server_metrics": .object(["url": .string("metrics"), "interval": .string("200ms"),
                                                                  "intervall": .string("1s")])])) { e in
            let text = (e as? ScenarioError)?.issues.map(\.description).joined(separator: "\n") ?? "\(e)"
            XCTAssertTrue(text.contains("server_metrics.url"), text)
            XCTAssertTrue(text.contains("server_metrics.interval"), text)
            XCTAssertTrue(text.contains("intervall"), text)
        }
        XCTAssertThrowsError(try load(["server_metrics": .string("yes")]))
    }
}
