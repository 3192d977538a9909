import Foundation
import LoadGen
import LoraxSim
import Stats
import XCTest

/// Runs lorabench in-process against a simulator on port 0 and reads back what both sides saw.
struct SimHarness {
    let sim: LoraxSimServer

    static func start(_ settings: String) async throws -> SimHarness {
        SimHarness(sim: try await LoraxSimServer.start(try SimConfig.decode(from: Data(settings.utf8))))
    }

    func stop() async { try? await sim.shutdown() }

    /// A scenario document aimed at this simulator; `extra` fields are merged over the defaults.
    func scenario(_ extra: [String: JSONValue], target: [String: JSONValue] = [:]) throws -> Scenario {
        var t: [String: JSONValue] = ["url": .string(sim.baseURL)]
        t.merge(target) { $1 }
        var doc: [String: JSONValue] = ["name": .string("test"), "target": .object(t),
                                        "health": .object(["interval": .string("50ms"), "timeout": .string("5s")]),
                                        "input_words": .object(["min": .int(10), "max": .int(20)]),
                                        "max_new_tokens": .object(["min": .int(10), "max": .int(20)])]
        doc.merge(extra) { $1 }
        return try ScenarioLoader.load(document: .object(doc), file: "test.json", environment: [:])
    }

    static func tempDir() -> String {
        NSTemporaryDirectory() + "lorabench-test-\(UUID().uuidString)"
    }

    func run(_ scenario: Scenario, token: String? = nil, out: String = SimHarness.tempDir(), shards: Int = 1,
             during: (@Sendable (Runner) -> Void)? = nil) async throws -> RunOutcome {
        var o = RunOptions()
        o.outDir = out
        o.bearerToken = token
        o.shards = shards
        let runner = Runner(scenario: scenario, baseURL: sim.baseURL, options: o)
        during?(runner)
        return try await runner.run()
    }
}

/// Writes a scenario document to a fresh temporary file and returns its path.
func writeTempScenario(_ json: String) throws -> String {
    let path = NSTemporaryDirectory() + "scenario-\(UUID().uuidString).json"
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// requests.csv parsed into rows keyed by column name.
func readRequestsCSV(_ dir: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: dir + "/requests.csv", encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, splitCSVLine(line)))
    }
}

/// Splits one CSV line (quoted fields allowed; no embedded newlines in our rows except error messages, which are quoted).
func splitCSVLine(_ line: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var it = Array(line)[...]
    while let c = it.popFirst() {
        if quoted {
            if c == "\"" { if it.first == "\"" { cur.append("\""); it.removeFirst() } else { quoted = false } } else { cur.append(c) }
        } else if c == "\"" { quoted = true } else if c == "," { out.append(cur); cur = "" } else { cur.append(c) }
    }
    out.append(cur)
    return out
}

/// p-th percentile of a sample (nearest rank), for comparing client and server views.
func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return 0 }
    return s[min(s.count - 1, max(0, Int((p / 100 * Double(s.count)).rounded(.up)) - 1))]
}
