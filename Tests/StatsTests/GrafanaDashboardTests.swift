import Foundation
import Stats
import XCTest

/// deploy/grafana/lorabench.json only asks for what lorabench exports: every metric a query names is a family
/// of the Prometheus export (or a histogram's _bucket/_sum/_count), and every label it matches on is one those
/// series carry. (PushGatewayTests also runs each query against a real Prometheus holding a pushed run.)
final class GrafanaDashboardTests: XCTestCase {
    static var dashboardPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/grafana/lorabench.json").path
    }

    /// Every `expr` of the dashboard's panels and its variable queries.
    static func queries() throws -> [String] {
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dashboardPath))) as? [String: Any])
        var out: [String] = []
        for panel in doc["panels"] as? [[String: Any]] ?? [] {
            for t in panel["targets"] as? [[String: Any]] ?? [] { if let e = t["expr"] as? String { out.append(e) } }
        }
        let vars = (doc["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        for v in vars where v["type"] as? String == "query" { if let q = v["definition"] as? String { out.append(q) } }
        return out
    }

    func testEveryQueryNamesExportedMetricsAndLabels() throws {
        let queries = try Self.queries()
        XCTAssertGreaterThanOrEqual(queries.count, 12)
        var a = Aggregate()
        a.add(RequestRecord(sequence: 0, vu: 0, adapter: "org/a", cold: true, intendedMicros: 0, sentMicros: 0, firstTokenMicros: 9_000,
                            endMicros: 20_000, tokenGapsMicros: [11_000], tokenEvents: 2, outputTokens: 2, outputTokensSource: .server,
                            inputWords: 3, inputTokens: 4, maxNewTokens: 2, status: 200), slo: SLO())
        var s = RunSummary(run: .init(scenarioName: "g", executor: "constant-vus", target: "t", api: "lorax", lorabenchVersion: "1", host: "h",
                                      startedAt: "2026-01-01T00:00:00.000Z", endedAt: "2026-01-01T00:00:01.000Z", windowSeconds: 1,
                                      interrupted: false, requestedRate: nil),
                           scenario: .object([:]), slo: SLO(), aggregate: a)
        s.thresholds = [try Threshold.parse(metric: "ttft.p95", expression: "< 1").evaluate(s)]
        let exported = PrometheusText.parse(PrometheusExport.render(s))
        var labelsOf: [String: Set<String>] = [:]
        for sample in exported.samples { labelsOf[sample.name, default: []].formUnion(sample.labels.map(\.name)) }
        // Labels the Pushgateway and Prometheus add to every pushed series.
        let added: Set = ["job", "instance"]

        let selector = try NSRegularExpression(pattern: #"(lorabench_[a-z0-9_]+)(\{([^}]*)\})?"#)
        let matcher = try NSRegularExpression(pattern: #"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)"#)
        var named = 0
        for q in queries {
            let ns = q as NSString
            for m in selector.matches(in: q, range: NSRange(location: 0, length: ns.length)) {
                let name = ns.substring(with: m.range(at: 1))
                named += 1
                let labels = try XCTUnwrap(labelsOf[name], "\(q): \(name) is not a series lorabench exports")
                guard m.range(at: 3).location != NSNotFound else { continue }
                let body = ns.substring(with: m.range(at: 3)) as NSString
                for l in matcher.matches(in: body as String, range: NSRange(location: 0, length: body.length)) {
                    let label = body.substring(with: l.range(at: 1))
                    XCTAssertTrue(labels.contains(label) || added.contains(label), "\(q): \(name) has no label \(label) (it has \(labels.sorted()))")
                }
            }
            for by in ["by (", "on ("] {
                guard let r = q.range(of: by) else { continue }
                let list = q[r.upperBound...].prefix { $0 != ")" }.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let all = labelsOf.values.reduce(Set<String>()) { $0.union($1) }
                for l in list { XCTAssertTrue(all.contains(l), "\(q): grouping by \(l), which no series carries") }
            }
        }
        XCTAssertGreaterThanOrEqual(named, queries.count, "every query names at least one lorabench series")
    }
}
