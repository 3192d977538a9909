@testable import LoadGen
import Stats
import XCTest

/// Builds a validated scenario from a few fields, so request-side tests read as the scenario file they stand for.
func loadGenScenario(api: String = "lorax", _ fields: [String: JSONValue] = [:],
                     file: StaticString = #filePath, line: UInt = #line) throws -> Scenario {
    var doc: [String: JSONValue] = ["target": .object(["url": .string("http://127.0.0.1:9"), "api": .string(api)]),
                                    "vus": .int(1), "duration": .string("1s")]
    for (k, v) in fields { doc[k] = v }
    return try ScenarioLoader.load(document: .object(doc), file: "test.json", environment: [:])
}
