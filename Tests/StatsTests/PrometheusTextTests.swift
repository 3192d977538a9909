import Foundation
@testable import Stats
import XCTest

/// The exposition parser on small fixtures in LoRAX's, vLLM's and TGI's forms, plus the format's corners.
final class PrometheusTextTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/prometheus")

    static func fixture(_ name: String) throws -> PromExposition {
        PrometheusText.parse(Array(try Data(contentsOf: dir.appendingPathComponent(name))))
    }

    func testLoRAXFixtureGroupsHistogramsSummariesCountersAndGauges() throws {
        let e = try Self.fixture("lorax.txt")
        XCTAssertEqual(e.badLines, 0)
        XCTAssertEqual(e.samples.count, 28)
        XCTAssertEqual(e.types["lorax_request_duration"], .histogram)
        XCTAssertEqual(e.types["lorax_request_skipped_tokens"], .summary)
        let g = ScrapeGroups(e)
        let d = try XCTUnwrap(g.histograms["lorax_request_duration"])
        XCTAssertEqual(d.bounds, [0.00015, 0.000225, 0.0003375, 0.1, 0.2, 0.4, .infinity])
        XCTAssertEqual(d.cumulative, [0, 0, 0, 2, 7, 11, 11])
        XCTAssertEqual(d.sum, 2.2)
        XCTAssertEqual(d.count, 11)
        XCTAssertEqual(g.histograms["lorax_request_generated_tokens"]?.sum, 170)
        XCTAssertEqual(g.counters, ["lorax_request_count": 12, "lorax_request_success": 11, "lorax_request_failure{err=\"validation\"}": 1])
        XCTAssertEqual(g.gauges, ["lorax_batch_current_size": 3, "lorax_queue_length": 1])
        let s = try XCTUnwrap(g.summaries["lorax_request_skipped_tokens"])
        XCTAssertEqual(s.quantiles.map(\.q), [0, 0.5, 0.99])
        XCTAssertEqual(s.quantiles.map(\.value), [0, 0, 2])
        XCTAssertEqual(s.count, 11)
        XCTAssertEqual(s.sum, 3)
    }

    func testVLLMFixtureKeepsTotalNamesDropsCreatedAndKeysLabels() throws {
        let e = try Self.fixture("vllm.txt")
        XCTAssertEqual(e.badLines, 0)
        XCTAssertEqual(e.types["vllm:prompt_tokens"], .counter)
        let g = ScrapeGroups(e)
        let m = "model_name=\"meta-llama/Llama-3.2-1B\""
        XCTAssertEqual(g.counters["vllm:prompt_tokens_total{engine=\"0\",\(m)}"], 1500)
        XCTAssertEqual(g.counters["vllm:request_success_total{engine=\"0\",finished_reason=\"length\",\(m)}"], 3)
        XCTAssertFalse(g.counters.keys.contains { $0.contains("_created") }, "_created timestamps are not counters")
        XCTAssertFalse(g.gauges.keys.contains { $0.contains("_created") })
        let ttft = try XCTUnwrap(g.histograms["vllm:time_to_first_token_seconds{engine=\"0\",\(m)}"])
        XCTAssertEqual(ttft.bounds, [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, .infinity])
        XCTAssertEqual(ttft.cumulative, [0, 0, 0, 2, 8, 10, 10])
        XCTAssertEqual(ttft.sum, 0.31)
        XCTAssertEqual(g.family["vllm:time_to_first_token_seconds{engine=\"0\",\(m)}"], "vllm:time_to_first_token_seconds")
        XCTAssertEqual(g.gauges["vllm:num_requests_waiting{engine=\"1\",\(m)}"], 4)
    }

    func testTGIFixture() throws {
        let e = try Self.fixture("tgi.txt")
        XCTAssertEqual(e.badLines, 0)
        let g = ScrapeGroups(e)
        XCTAssertEqual(g.histograms["tgi_request_duration"]?.cumulative, [5, 15, 20, 20])
        XCTAssertEqual(g.histograms["tgi_request_generated_tokens"]?.sum, 1490)
        XCTAssertEqual(g.gauges["tgi_queue_size"], 2)
        XCTAssertEqual(g.counters["tgi_request_success"], 20)
    }

    func testEscapesSpecialValuesTimestampsExemplarsAndEOF() throws {
        let e = try Self.fixture("openmetrics-edge.txt")
        XCTAssertEqual(e.badLines, 1, "only the broken line")
        XCTAssertEqual(e.firstBadLine?.line, 19)
        let odd = try XCTUnwrap(e.samples.first { $0.name == "odd_label" })
        XCTAssertEqual(odd.labels, [PromLabel("path", "C:\\dir\\"), PromLabel("quote", "say \"hi\""), PromLabel("nl", "a\nb"),
                                    PromLabel("semi", "x;y")])
        XCTAssertEqual(odd.timestamp, 1712345678000)
        let special = e.samples.filter { $0.name == "special" }.map(\.value)
        XCTAssertEqual(special.count, 5)
        XCTAssertEqual(special[0], .infinity)
        XCTAssertEqual(special[1], -.infinity)
        XCTAssertTrue(special[2].isNaN)
        XCTAssertEqual(special[3], 1e308)
        XCTAssertEqual(special[4], -0.0015)
        XCTAssertEqual(e.samples.first { $0.name == "with_exemplar_total" }?.value, 42, "the exemplar is ignored")
        XCTAssertEqual(e.samples.first { $0.name == "utf8.metric.name" }?.labels, [PromLabel("region", "eu")])
        XCTAssertEqual(e.samples.first { $0.name == "spaced_out" }?.labels, [PromLabel("a", "1")])
        XCTAssertNil(e.samples.first { $0.name == "after_eof" }, "nothing after # EOF")
        let g = ScrapeGroups(e)
        XCTAssertEqual(g.histograms["with_exemplar_hist"]?.cumulative, [3, 4])
        XCTAssertEqual(g.counters["with_exemplar_total"], 42)
        XCTAssertEqual(g.gauges["untyped_thing"], 3)
        XCTAssertEqual(ScrapeGroups.key("odd_label", odd.labels), #"odd_label{nl="a\nb",path="C:\\dir\\",quote="say \"hi\"",semi="x;y"}"#)
    }

    func testHostileInputNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<400, using: &rng)).map { _ in
                UInt8.random(in: 0...255, using: &rng) % 4 == 0 ? [0x7B, 0x7D, 0x22, 0x5C, 0x0A, 0x20, 0x3D, 0x2C][Int.random(in: 0..<8)] : UInt8.random(in: 0...255)
            }
            let e = PrometheusText.parse(bytes)
            _ = ScrapeGroups(e)
        }
        let absurd = "# TYPE h histogram\nh_bucket{le=\"1e999\"} 1e999\nh_bucket{le=\"NaN\"} 3\nh_count 1e308\nh_sum 1e308\n"
            + "x 1" + String(repeating: "9", count: 500) + "\n" + "y{a=\"unterminated} 1\n"
        let e = PrometheusText.parse(absurd)
        XCTAssertEqual(e.badLines, 2)
        var t = ServerSeriesTracker()
        t.add(ScrapeGroups(e))
        t.add(ScrapeGroups(PrometheusText.parse(absurd.replacingOccurrences(of: "h_sum 1e308", with: "h_sum 1.7e308"))))
        let v = ServerView(url: "u", intervalSeconds: 5, tracker: t, failedScrapes: 0, unparsedLines: 0,
                           firstScrapeSeconds: 0, lastScrapeSeconds: .infinity, warnings: [])
        XCTAssertNoThrow(try JSONEncoder().encode(v), "non-finite numbers become null")
    }

    /// Numbers as the format writes them, through the plain-decimal fast path and the slow one alike.
    func testNumberFormsReadTheSameThroughEitherPath() {
        let values = ["1", "0.25", "-1.5e3", "+2", ".5", "1_000.5", "+Inf", "-Inf", "inf", "NaN", "1e-3", "-0", "12abc", "1e", "-", "+x"]
        let text = values.enumerated().map { "m{i=\"\($0.offset)\"} \($0.element)" }.joined(separator: "\n") + "\n"
        let e = PrometheusText.parse(text)
        let got = Dictionary(uniqueKeysWithValues: e.samples.map { ($0.label("i")!, $0.value) })
        let want: [String: Double] = ["0": 1, "1": 0.25, "2": -1500, "3": 2, "4": 0.5, "5": 1000.5, "6": .infinity, "7": -.infinity,
                                      "8": .infinity, "10": 0.001, "11": 0]
        for (k, v) in want { XCTAssertEqual(got[k], v, "value #\(k) \(values[Int(k)!])") }
        XCTAssertTrue(got["9"]?.isNaN == true)
        for bad in ["12", "13", "14", "15"] { XCTAssertNil(got[bad], "\(values[Int(bad)!]) is not a number") }
        XCTAssertEqual(e.badLines, 4)
        // Bucket bounds go through the same reader.
        let h = ScrapeGroups(PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"1_0\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_sum 4\nh_count 3\n"))
        XCTAssertEqual(h.histograms["h"]?.bounds, [0.5, 10, .infinity])
    }

    func testIntegersReadWithoutStrtodAreExactlyWhatDoubleReads() {
        // The digits-only path against Swift's own reading, at the edges of its range and just past them.
        let texts = ["0", "-0", "+0", "7", "-7", "+7", "000012", "123456789012345", "-999999999999999", "9007199254740993",
                     "1234567890123456", "99999999999999999999", "+", "-", "1-2", "12 ", "١٢"]
        for t in texts {
            let got = PrometheusText.number(t), want = Double(t)
            XCTAssertEqual(got?.bitPattern, want?.bitPattern, "\(t.debugDescription): \(String(describing: got)) vs \(String(describing: want))")
        }
        XCTAssertEqual(PrometheusText.number("-0")?.sign, .minus)
    }

    func testSeriesKeysAreTheFormerInterpolatedKeys() {
        // The reference is the former string-building form, kept here.
        func reference(_ name: String, _ labels: [PromLabel], dropping: String?) -> String {
            let kept = labels.filter { $0.name != dropping }.sorted { $0.name < $1.name }
            if kept.isEmpty { return name }
            return name + "{" + kept.map { "\($0.name)=\"\(ScrapeGroups.escape($0.value))\"" }.joined(separator: ",") + "}"
        }
        let values = ["", "x", "a\"b", "c:\\d", "l\nm", "\r\n", "é", "e\u{301}", "😀", "a,b}", "le"]
        var x: UInt64 = 5
        for _ in 0..<500 {
            var labels: [PromLabel] = []
            x = x &* 6364136223846793005 &+ 1442695040888963407
            for k in 0..<Int(x >> 61) {
                let names = ["le", "model", "b", "a", "quantile", "Zeta", "_x"]
                labels.append(PromLabel(names[Int((x >> UInt64(8 * k)) % 7)], values[Int((x >> UInt64(8 * k + 3)) % UInt64(values.count))]))
            }
            for dropping in [nil, "le"] {
                XCTAssertEqual(ScrapeGroups.key("fam_total", labels, dropping: dropping), reference("fam_total", labels, dropping: dropping))
            }
        }
    }
}
