// libFuzzer harness for the scenario loader: JSONValue.parse, then ScenarioLoader.load(document:...) with
// `--set` overrides. Built only by scripts/fuzz.sh (never part of the package build).
//
// Input layout: the scenario document, optionally followed by NUL-separated `--set key=value` overrides.

import Foundation
import LoadGen
import Stats

@_cdecl("LLVMFuzzerTestOneInput")
public func scenarioFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
    guard let first = parts.first else { return 0 }
    let document: JSONValue
    do {
        document = try JSONValue.parse(Data(first))
    } catch {
        return 0  // not JSON: the loader reports that before validation
    }
    let overrides = parts.dropFirst().map { String(decoding: $0, as: UTF8.self) }
    let environment = ["LB_FUZZ_HOST": "127.0.0.1:1", "LB_FUZZ_TOKEN": "secret"]
    do {
        let s = try ScenarioLoader.load(document: document, file: "fuzz.json", overrides: overrides, environment: environment)
        // Everything a valid scenario promises must be usable without trapping.
        _ = s.load.duration
        _ = s.load.maxInFlight
        _ = DurationText.format(s.load.duration)
        _ = s.resolvedDocument.encodedString()
    } catch let e as ScenarioError {
        if e.issues.isEmpty { fatalError("ScenarioError without issues") }
        _ = e.description
    } catch {
        fatalError("ScenarioLoader threw something other than ScenarioError: \(error)")
    }
    return 0
}
