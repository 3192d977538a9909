@testable import LoadGen
import Foundation
import Stats
import XCTest

/// `trace` workloads: the three layouts, located errors, the adapter mapping rule, speed, and a replay that
/// holds only the arrivals waiting to be sent.
final class TraceWorkloadTests: XCTestCase {
    var files: TempFiles!

    override func setUpWithError() throws { files = try TempFiles("trace") }

    override func tearDown() { files.remove() }

    func write(_ name: String, _ text: String) throws -> String { try files.write(name, text) }

    func scenario(_ workload: [String: JSONValue], _ extra: [String: JSONValue] = [:]) throws -> Scenario {
        var w = workload
        w["source"] = .string("trace")
        var doc: [String: JSONValue] = ["target": .object(["url": .string("http://127.0.0.1:9")]), "workload": .object(w)]
        for (k, v) in extra { doc[k] = v }
        return try ScenarioLoader.load(document: .object(doc), file: "t.json", environment: [:])
    }

    func issues(_ workload: [String: JSONValue], _ extra: [String: JSONValue] = [:]) -> [String] {
        do { _ = try scenario(workload, extra); return [] } catch let e as ScenarioError { return e.issues.map(\.description) } catch { return ["\(error)"] }
    }

    /// Every arrival of a scenario's trace, in order, as (offset, request) the way a run takes them.
    func replay(_ s: Scenario) throws -> [(UInt64, PreparedRequest)] {
        let f = try RequestFactory(scenario: s, baseURL: "http://h")
        let t = try XCTUnwrap(f.prompts as? TracePrompts)
        var times = TraceArrivals(replay: t.replay, limitMicros: UInt64(s.load.duration.microseconds))
        var out: [(UInt64, PreparedRequest)] = []
        var n = 0
        while let at = times.next() {
            out.append((at, f.make(slot: RequestSlot(sequence: n, arrival: n))))
            n += 1
        }
        return out
    }

    func testOwnLayoutKeepsOffsetsAdaptersLengthsAndLines() throws {
        let file = try write("t.jsonl", """
            {"t": 0.5, "adapter": "a", "prompt": "hello world", "output_tokens": 7, "session": "s1"}
            {"t": 0.75, "input_tokens": 5}

            {"t": 2.5, "adapter": "b", "input_tokens": 3, "output_tokens": 2}
            """)
        let s = try scenario(["file": .string(file), "speed": .int(2)], ["max_new_tokens": .int(9)])
        guard case .constantArrivalRate(_, _, let d, _, let maxVUs) = s.load else { return XCTFail("\(s.load)") }
        XCTAssertEqual(d, .microseconds(1_001_000), "the span after speed, plus 1 ms")
        XCTAssertEqual(maxVUs, 100)
        let got = try replay(s)
        XCTAssertEqual(got.map(\.0), [0, 125_000, 1_000_000])
        XCTAssertEqual(got.map(\.1.adapter), ["a", "", "b"])
        XCTAssertEqual(got.map(\.1.maxNewTokens), [7, 9, 2])
        XCTAssertEqual(got.map(\.1.inputWords), [2, 5, 3])
        XCTAssertEqual(got.map(\.1.origin.line), [1, 2, 4])
        XCTAssertEqual(got.map(\.1.arrivalOffsetMicros), [0, 125_000, 1_000_000])
        XCTAssertEqual(got[0].1.origin.session, "s1")
        XCTAssertTrue(String(decoding: got[0].1.body, as: UTF8.self).hasPrefix(#"{"inputs":"hello world","#))
        XCTAssertEqual(try replay(s).map(\.1.body), got.map(\.1.body), "same seed, same bytes")
    }

    func testMooncakeHashBlocksShareLeadingBytesAndPickTheSameAdapter() throws {
        let file = try write("m.jsonl", """
            {"timestamp": 0, "input_length": 6, "output_length": 3, "hash_ids": [11, 12]}
            {"timestamp": 10, "input_length": 5, "output_length": 3, "hash_ids": [11, 13]}
            {"timestamp": 30, "input_length": 4, "output_length": 3, "hash_ids": [99, 12]}
            """)
        let ids: JSONValue = .object(["ids": .array((0..<8).map { .string("ad-\($0)") })])
        let s = try scenario(["file": .string(file), "format": .string("mooncake"), "adapters": .string("hash"), "block_words": .int(3)], ["adapters": ids])
        let got = try replay(s)
        XCTAssertEqual(got.map(\.0), [0, 10_000, 30_000])
        func words(_ r: PreparedRequest) -> [Substring] {
            let b = String(decoding: r.body, as: UTF8.self)
            let inputs = b[b.range(of: #""inputs":""#)!.upperBound...].prefix { $0 != "\"" }
            return inputs.split(separator: " ")
        }
        XCTAssertEqual(words(got[0].1).count, 6)
        XCTAssertEqual(words(got[0].1).prefix(3), words(got[1].1).prefix(3), "hash 11 is the same block")
        XCTAssertNotEqual(words(got[0].1).suffix(3), words(got[1].1).suffix(2) + [""], "hash 12 and 13 differ")
        XCTAssertEqual(got[0].1.adapter, got[1].1.adapter, "same first hash, same adapter")
        XCTAssertEqual(got.map(\.1.maxNewTokens), [3, 3, 3])
    }

    func testAzureLayoutWithDatesAndAnAdapterColumn() throws {
        let file = try write("a.csv", """
            TIMESTAMP,ContextTokens,GeneratedTokens,tenant
            2023-11-16 18:15:46.6805900,4,2,x
            2023-11-16 18:15:47.1805900,3,5,y
            2023-11-16 18:15:49,2,1,x
            """)
        let s = try scenario(["file": .string(file), "adapter_column": .string("tenant")])
        let got = try replay(s)
        XCTAssertEqual(got.map(\.0), [0, 500_000, 2_319_410])
        XCTAssertEqual(got.map(\.1.adapter), ["x", "y", "x"])
        XCTAssertEqual(got.map(\.1.maxNewTokens), [2, 5, 1])
        XCTAssertEqual(got.map(\.1.origin.line), [2, 3, 4])
        let noAdapter = try write("b.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n0.5,3,3\n")
        XCTAssertEqual(issues(["file": .string(noAdapter)]).count, 0, "mix is the default without an adapter column")
        XCTAssertEqual(issues(["file": .string(noAdapter), "adapters": .string("column")]),
                       [#"workload.adapters: Azure traces have no adapter column: name one with "adapter_column", or use "hash" or "mix""#])
    }

    func testBadLinesAreNamedAndLoadKeysRefused() throws {
        let file = try write("bad.jsonl", """
            {"t": 1, "input_tokens": 3}
            {"t": "x", "input_tokens": 3}
            {"t": 0.5, "input_tokens": 3}
            {"t": 2}
            {"t": 3, "input_tokens": 0}
            """)
        XCTAssertEqual(issues(["file": .string(file)]), [
            #"workload.file: \#(file):2: "t" must be a number of seconds of at least 0"#,
            "workload.file: \(file):3: the timestamp goes back in time (traces must be in time order)",
            #"workload.file: \#(file):4: needs "prompt" or "input_tokens""#,
            #"workload.file: \#(file):5: "input_tokens" must be an integer from 1 to 1000000"#,
        ])
        let ok = try write("ok.jsonl", #"{"t": 0, "input_tokens": 1}"#)
        XCTAssertEqual(issues(["file": .string(ok)], ["rate": .int(5), "vus": .int(2)]), [
            "rate: not used with a trace workload (the trace's timestamps set the arrivals; use duration, max_vus and max_queue)",
            "vus: not used with a trace workload (the trace's timestamps set the arrivals; use duration, max_vus and max_queue)",
        ])
        XCTAssertEqual(issues(["file": .string(ok), "adapters": .string("hash")]), [#"workload.adapters: "hash" picks one of the scenario's adapters, but "adapters" lists none"#])
    }

    func testDurationCutsTheTraceAndDroppedArrivalsAreLetGo() throws {
        let file = try write("d.jsonl", (0..<10).map { #"{"t": \#($0), "input_tokens": 1}"# }.joined(separator: "\n"))
        let s = try scenario(["file": .string(file)], ["duration": .string("4500ms")])
        XCTAssertEqual(try replay(s).map(\.0), [0, 1, 2, 3, 4].map { UInt64($0) * 1_000_000 })
        let r = try TraceReplay({ guard case .trace(let t) = s.workload.source else { fatalError() }; return t }())
        for _ in 0..<5 { _ = r.nextOffset(limitMicros: .max) }
        XCTAssertEqual(r.take(arrival: 3)?.entry.line, 4, "arrivals 0-2 were dropped")
        XCTAssertNil(r.take(arrival: 1), "a dropped arrival is gone")
        XCTAssertEqual(r.take(arrival: 4)?.entry.line, 5)
    }

    /// 100k lines: the replay holds one arrival at a time however long the trace, and validation streams it too.
    func testHundredThousandLineTraceIsStreamed() throws {
        var text = ""
        text.reserveCapacity(3_000_000)
        for i in 0..<100_000 { text += #"{"t": \#(Double(i) / 1000), "input_tokens": 2}"# + "\n" }
        let file = try write("big.jsonl", text)
        let s = try scenario(["file": .string(file)])
        guard case .trace(let t) = s.workload.source else { return XCTFail() }
        XCTAssertEqual(t.lines, 100_000)
        XCTAssertEqual(t.spanMicros, 99_999_000)
        let r = try TraceReplay(t)
        func maxRSSKiB() -> Int {
            var u = rusage()
            #if os(Linux)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
            #else
            getrusage(RUSAGE_SELF, &u)
            #endif
            return u.ru_maxrss
        }
        let before = maxRSSKiB()
        var n = 0, last: UInt64 = 0
        while let at = r.nextOffset(limitMicros: .max) {
            XCTAssertEqual(r.take(arrival: n)?.entry.line, n + 1)
            last = at
            n += 1
        }
        XCTAssertEqual(n, 100_000)
        XCTAssertEqual(last, 99_999_000)
        XCTAssertEqual(r.maxPending, 1)
        print("replaying 100000 lines raised max RSS by \(maxRSSKiB() - before) KiB (from \(before) KiB)")
        XCTAssertNil(r.failure)
    }
}
