import Foundation
import Stats
import XCTest

/// Window increases, bucket percentiles, resets, gauge ranges, roles and the client/server agreement, as numbers.
final class ServerViewTests: XCTestCase {
    func groups(_ text: String) -> ScrapeGroups { ScrapeGroups(PrometheusText.parse(text)) }

    func testBucketPercentileTable() {
        let inf = Double.infinity
        // (p, bounds, cumulative, expected value, lower, upper); nil value = no percentile.
        let cases: [(Double, [Double], [Double], Double?, Double, Double?)] = [
            (50, [1, 2, inf], [0, 0, 0], nil, 0, nil),                     // empty delta → null
            (50, [], [], nil, 0, nil),
            (50, [1, inf], [4, 4], 0.5, 0, 1),                             // one bucket: from 0 to its bound
            (100, [1, inf], [4, 4], 1, 0, 1),
            (0, [1, 2, inf], [0, 4, 4], 1, 1, 2),                          // p0: the first non-empty bucket's lower bound
            (50, [0.1, 0.2, 0.4, inf], [2, 7, 11, 11], 0.17, 0.1, 0.2),   // rank 5.5: 0.1 + 0.1 × 3.5/5
            (90, [0.1, 0.2, 0.4, inf], [2, 7, 11, 11], 0.345, 0.2, 0.4),  // rank 9.9: 0.2 + 0.2 × 2.9/4
            (50, [1, 2, inf], [0, 0, 3], 2, 2, nil),                      // all in +Inf: "at least the last bound"
            (99, [1, 2, inf], [5, 9, 10], 2, 2, nil),
            (50, [1, 2, inf], [5, 10, 10], 1, 0, 1),                      // rank on a bound: that bucket's upper end
            (50, [-1, 0, 1, inf], [0, 2, 4, 4], 0, -1, 0),                // negative bounds
        ]
        for (i, c) in cases.enumerated() {
            let got = BucketPercentile.of(c.0, bounds: c.1, cumulative: c.2)
            guard let v = c.3 else { XCTAssertNil(got, "case \(i)"); continue }
            XCTAssertEqual(got?.value ?? -1, v, accuracy: 1e-12, "case \(i)")
            XCTAssertEqual(got?.lower, c.4, "case \(i)")
            XCTAssertEqual(got?.upper, c.5, "case \(i)")
        }
    }

    func testIncreasesBetweenScrapesAndSeriesThatAppearLater() {
        var t = ServerSeriesTracker()
        t.add(groups("# TYPE c counter\nc 10\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n"))
        t.add(groups("# TYPE c counter\nc 15\n# TYPE h histogram\nh_bucket{le=\"1\"} 4\nh_bucket{le=\"+Inf\"} 6\nh_sum 9\nh_count 6\nlate_total 7\n"))
        t.add(groups("# TYPE c counter\nc 18\n# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 8\nh_sum 12\nh_count 8\nlate_total 9\n"))
        XCTAssertEqual(t.counters["c"], CounterIncrease(delta: 8))
        XCTAssertEqual(t.counters["late_total"], CounterIncrease(delta: 9), "absent at the start: counted from zero")
        XCTAssertEqual(t.histograms["h"], HistogramIncrease(bounds: [1, .infinity], cumulative: [4, 6], sum: 9, count: 6))
    }

    func testACounterThatWentDownIsAResetNotANegativeDelta() {
        var t = ServerSeriesTracker()
        for v in [100, 120, 5, 9] { t.add(groups("# TYPE c counter\nc \(v)\n")) }
        XCTAssertEqual(t.counters["c"], CounterIncrease(delta: 20 + 5 + 4, reset: true))
        var h = ServerSeriesTracker()
        h.add(groups("# TYPE h histogram\nh_bucket{le=\"1\"} 50\nh_bucket{le=\"+Inf\"} 60\nh_sum 70\nh_count 60\n"))
        h.add(groups("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_sum 2\nh_count 3\n"))
        XCTAssertEqual(h.histograms["h"], HistogramIncrease(bounds: [1, .infinity], cumulative: [1, 3], sum: 2, count: 3, reset: true))
        let v = ServerView(url: "u", intervalSeconds: 5, tracker: h, failedScrapes: 0, unparsedLines: 0, firstScrapeSeconds: 0,
                           lastScrapeSeconds: 1, warnings: [])
        XCTAssertEqual(v.histograms["h"]?.reset, true)
        XCTAssertEqual(v.histograms["h"]?.count, 3)
    }

    func testGaugeMinMeanMaxOverScrapesSummedOverLabelSets() {
        var t = ServerSeriesTracker()
        for (a, b) in [(1, 0), (3, 2), (2, 4), (0, 0)] {
            t.add(groups("# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine=\"0\"} \(a)\nvllm:num_requests_running{engine=\"1\"} \(b)\nq NaN\n"))
        }
        let e0 = t.gauges["vllm:num_requests_running{engine=\"0\"}"]!
        XCTAssertEqual([e0.min, e0.mean!, e0.max], [0, 1.5, 3])
        let fam = t.gaugeFamilies["vllm:num_requests_running"]!
        XCTAssertEqual([fam.min, fam.mean!, fam.max, Double(fam.samples)], [0, 3, 6, 4])
        XCTAssertEqual(t.gauges["q"]?.samples, 0, "NaN is not a sample")
        let v = ServerView(url: "u", intervalSeconds: 5, tracker: t, failedScrapes: 0, unparsedLines: 0, firstScrapeSeconds: 0,
                           lastScrapeSeconds: 15, warnings: [])
        let r = v.roles["running"]
        XCTAssertEqual(r?.series, "vllm:num_requests_running")
        XCTAssertEqual(r?.reading, .gauge)
        XCTAssertEqual([r?.min, r?.mean, r?.max], [0, 3, 6])
        XCTAssertNil(r?.value)
        XCTAssertNil(v.gauges["q"]?.mean)
    }

    func testVLLMRolesFromTheFixtureAgainstAnEmptyStart() throws {
        var t = ServerSeriesTracker()
        t.add(groups(""))
        t.add(try ScrapeGroups(PrometheusTextTests.fixture("vllm.txt")))
        let v = ServerView(url: "u", intervalSeconds: 5, tracker: t, failedScrapes: 0, unparsedLines: 0, firstScrapeSeconds: 0,
                           lastScrapeSeconds: 5, warnings: [])
        let ttft = try XCTUnwrap(v.roles["ttft"]?.percentilesMs)
        XCTAssertEqual(ttft["p50"]?.value ?? 0, 30, accuracy: 1e-9)  // rank 5 in (20, 40] ms holding 6 of 10
        XCTAssertEqual(ttft["p50"]?.lower ?? 0, 20, accuracy: 1e-9)
        XCTAssertEqual(ttft["p50"]?.upper ?? 0, 40, accuracy: 1e-9)
        XCTAssertEqual(ttft["p90"]?.value ?? 0, 50, accuracy: 1e-9)
        let e2e = try XCTUnwrap(v.roles["e2e"])
        XCTAssertEqual(e2e.series, "vllm:e2e_request_latency_seconds")
        XCTAssertEqual(e2e.percentilesMs?["p50"]?.value ?? 0, 550, accuracy: 1e-9)
        XCTAssertEqual(e2e.percentilesMs?["p90"]?.value ?? 0, 750, accuracy: 1e-9)
        XCTAssertEqual(e2e.count, 10)
        XCTAssertEqual(e2e.meanMs ?? 0, 520, accuracy: 1e-9)
        XCTAssertEqual(v.roles["itl"]?.series, "vllm:inter_token_latency_seconds")
        XCTAssertEqual(v.roles["requests_ok"]?.value, 10)
        XCTAssertEqual(v.roles["output_tokens"]?.value, 640)
        XCTAssertEqual(v.roles["input_tokens"]?.value, 1500)
        XCTAssertEqual(v.roles["running"]?.max, 3)
        XCTAssertEqual(v.roles["waiting"]?.max, 4)
        XCTAssertEqual(v.loraAdaptersSeen, ["chat-lora", "sql-lora"])
    }

    func testLoRAXAndTGIRoles() throws {
        for (file, e2eP50, out, inp, running) in [("lorax.txt", 170.0, 170.0, 330.0, 3.0), ("tgi.txt", 750, 1490, 1200, 8)] {
            var t = ServerSeriesTracker()
            t.add(groups(""))
            t.add(try ScrapeGroups(PrometheusTextTests.fixture(file)))
            let v = ServerView(url: "u", intervalSeconds: 5, tracker: t, failedScrapes: 0, unparsedLines: 0, firstScrapeSeconds: 0,
                               lastScrapeSeconds: 5, warnings: [])
            XCTAssertEqual(v.roles["e2e"]?.percentilesMs?["p50"]?.value ?? 0, e2eP50, accuracy: 1e-9, file)
            XCTAssertEqual(v.roles["output_tokens"]?.value, out, file)
            XCTAssertEqual(v.roles["input_tokens"]?.value, inp, file)
            XCTAssertEqual(v.roles["running"]?.mean, running, file)
            XCTAssertNil(v.roles["ttft"], "\(file) has no TTFT histogram")
            XCTAssertEqual(v.roles["requests_ok"]?.value, file == "lorax.txt" ? 11 : 20)
        }
    }

    func testAgreementChecksBucketsCountsAndWarnings() throws {
        var t = ServerSeriesTracker()
        t.add(groups(""))
        t.add(try ScrapeGroups(PrometheusTextTests.fixture("vllm.txt")))
        let v = ServerView(url: "u", intervalSeconds: 5, tracker: t, failedScrapes: 0, unparsedLines: 0, firstScrapeSeconds: 0,
                           lastScrapeSeconds: 5, warnings: [])
        var s = RunSummary(run: RunSummary.Run(scenarioName: "a", executor: "constant-vus", target: "t", api: "lorax", lorabenchVersion: "0",
                                               host: "h", startedAt: "", endedAt: "", windowSeconds: 5, interrupted: false, requestedRate: nil),
                           scenario: .object([:]), slo: SLO(), aggregate: Aggregate())
        func metric(_ ms: [Double]) -> MetricSummary {
            var h = LatencyHistogram()
            for m in ms { h.record(UInt64(m * 1000)) }
            return MetricSummary(h)
        }
        s.metrics["ttft"] = metric([25, 28, 31, 33, 39, 45, 55, 58, 59, 60])  // p50 33 in [20, 40]; p90 59 in [40, 60]
        s.metrics["e2e"] = metric([900, 900, 900, 950, 960, 970, 980, 990, 995, 999])  // p50 far above (500, 800]
        s.requests.succeeded = 10
        s.outputTokens = 641
        let a = ServerAgreement(client: s, server: v, warmup: true, spansWindow: true)
        let byName = Dictionary(uniqueKeysWithValues: a.checks.map { ($0.name, $0) })
        XCTAssertEqual(a.checks.map(\.name), ["ttft_p50", "ttft_p90", "e2e_p50", "e2e_p90", "requests", "output_tokens", "input_tokens"])
        XCTAssertEqual(byName["ttft_p50"]?.agrees, true)
        XCTAssertEqual(byName["ttft_p90"]?.agrees, true)
        XCTAssertEqual(byName["e2e_p50"]?.agrees, false)
        XCTAssertEqual(byName["e2e_p50"]?.serverLower ?? 0, 500, accuracy: 1e-9)
        XCTAssertEqual(byName["e2e_p50"]?.serverUpper ?? 0, 800, accuracy: 1e-9)
        XCTAssertEqual(byName["requests"]?.agrees, true)
        XCTAssertEqual(byName["output_tokens"]?.agrees, false)
        XCTAssertNil(byName["input_tokens"]?.agrees, "the client had no server input counts")
        let p50 = ReportText.number(s.metrics["e2e"]!.p50)
        XCTAssertEqual(ServerReport.warnings(a), [
            "warning: client and server disagree on e2e_p50: client \(p50) vs server 550 ms (outside the server's bucket [500, 800] ms)",
            "warning: client and server disagree on e2e_p90: client \(ReportText.number(s.metrics["e2e"]!.p90)) vs server 750 ms (outside the server's bucket [500, 800] ms)",
            "warning: client and server disagree on output_tokens: client 641 vs server 640 tokens",
        ])
        let notSpanning = ServerAgreement(client: s, server: v, warmup: false, spansWindow: false)
        XCTAssertNil(notSpanning.checks.first { $0.name == "requests" }?.agrees)
        XCTAssertEqual(notSpanning.warmup, "no warm-up request was sent")
    }
}
