import Foundation
import XCTest
@testable import LoraxSim

/// Config decoding: profile base, field overrides, and every problem with its path, all at once.
final class ConfigTests: XCTestCase {
    func issues(_ json: String) -> [SimConfigIssue] {
        do {
            _ = try SimConfig.decode(from: Data(json.utf8))
            XCTFail("expected an error for \(json)")
            return []
        } catch {
            guard let e = error as? SimConfigError else { XCTFail("\(error)"); return [] }
            return e.issues
        }
    }

    func testDecodeOverridesProfile() throws {
        let c = try SimConfig.decode(from: Data(#"{"profile":"fast","decode_base_ms":7,"faults":{"stall_every":3},"api_token":"t"}"#.utf8))
        XCTAssertEqual(c.profile, "fast")
        XCTAssertEqual(c.decodeBaseMs, 7)
        XCTAssertEqual(c.prefillBaseMs, try SimConfig.profile("fast").prefillBaseMs)
        XCTAssertEqual(c.faults[.stall].every, 3)
        XCTAssertEqual(c.faults.stallMs, 2000)
        XCTAssertEqual(c.apiToken, "t")
        XCTAssertEqual(try SimConfig.decode(from: Data("{}".utf8)), SimConfig())
        XCTAssertEqual(SimConfig.profileNames, ["a100-7b", "fast", "bench"])
    }

    func testErrorsNameTheKeyAndPath() {
        XCTAssertEqual(issues(#"{"decode_ms":1,"faults":{"stal_ms":2}}"#), [
            SimConfigIssue(path: "decode_ms", message: #"unknown key "decode_ms""#),
            SimConfigIssue(path: "faults.stal_ms", message: #"unknown key "stal_ms" (did you mean "stall_ms"?)"#),
        ])
        XCTAssertThrowsError(try SimConfig.decode(from: Data(#"{"max_batch_size":"big"}"#.utf8))) { e in
            XCTAssertTrue("\(e)".hasPrefix("max_batch_size: wrong type ("), "\(e)")
        }
        XCTAssertEqual(issues(#"{"eos_probability":2,"faults":{"stall_rate":-1}}"#), [
            SimConfigIssue(path: "eos_probability", message: "must be in [0, 1]"),
            SimConfigIssue(path: "faults.stall_rate", message: "must be in [0, 1]"),
        ])
    }

    func testSeveralMistakesAreReportedTogether() {
        let found = issues("""
            {"profile":"fast","decode_bse_ms":3,"faults":{"stall_rat":0.5,"stream_error_rate":2,"stall_every":"often"},
             "max_batch_size":"big","eos_probability":1.5,"replicas":0}
            """)
        XCTAssertEqual(found.map(\.path), ["decode_bse_ms", "faults.stall_rat", "faults.stall_every", "max_batch_size",
                                           "replicas", "eos_probability", "faults.stream_error_rate"])
        guard found.count == 7 else { return }
        XCTAssertEqual(found[0].message, #"unknown key "decode_bse_ms" (did you mean "decode_base_ms"?)"#)
        XCTAssertEqual(found[1].message, #"unknown key "stall_rat" (did you mean "stall_rate"?)"#)
        XCTAssertTrue(found[2].message.hasPrefix("wrong type (Expected to decode Int"), found[2].message)
        XCTAssertTrue(found[3].message.hasPrefix("wrong type (Expected to decode Int"), found[3].message)
        XCTAssertEqual(found[4].message, "must be >= 1")
        XCTAssertEqual(found[5].message, "must be in [0, 1]")
        XCTAssertEqual(found[6].message, "must be in [0, 1]")
        let error = SimConfigError(issues: Array(found[4...]))
        XCTAssertEqual("\(error)", "replicas: must be >= 1\neos_probability: must be in [0, 1]\nfaults.stream_error_rate: must be in [0, 1]")
    }

    func testUnknownProfileSuggestsAndTheRestIsStillChecked() {
        XCTAssertEqual(issues(#"{"profile":"fsat","decode_base_ms":-1}"#), [
            SimConfigIssue(path: "profile", message: #"unknown profile "fsat" (did you mean "fast"? known: a100-7b, fast, bench)"#),
            SimConfigIssue(path: "decode_base_ms", message: "must be a finite number >= 0"),
        ])
        XCTAssertEqual(issues(#"{"profile":"h100"}"#),
                       [SimConfigIssue(path: "profile", message: #"unknown profile "h100" (known: a100-7b, fast, bench)"#)])
        XCTAssertEqual(issues(#"{"profile":3}"#), [SimConfigIssue(path: "profile", message: "expected a string")])
        XCTAssertThrowsError(try SimConfig.profile("benh")) { e in
            XCTAssertEqual((e as? SimConfigError)?.issues.map(\.path), ["profile"])
        }
    }

    func testTheObjectItselfHasTheEmptyPath() {
        XCTAssertEqual(issues("[1]"), [SimConfigIssue(path: "", message: "expected a JSON object")])
        let bad = issues("{")
        XCTAssertEqual(bad.map(\.path), [""])
        XCTAssertTrue(bad.first?.message.hasPrefix("invalid JSON: ") ?? false, "\(bad)")
        XCTAssertEqual("\(SimConfigError(issues: bad))", bad.first?.message)
        XCTAssertEqual(issues(#"{"faults":3}"#).map(\.path), ["faults"])
    }

    func testNumbersTheirTypeCannotHoldAreNamedByTheirKey() {
        let found = issues(#"{"max_batch_size":1.5,"seed":-1,"faults":{"stall_every":1e300}}"#)
        XCTAssertEqual(found.map(\.path), ["max_batch_size", "seed", "faults.stall_every"])
    }

    func testValidateChecksRangesOfDecodedSettings() {
        var c = SimConfig()
        XCTAssertEqual(c.validate(), [])
        c.faults[.stall].every = -1
        c.faults.stallMs = .nan
        c.stepJitter = 1
        XCTAssertEqual(c.validate(), [
            SimConfigIssue(path: "step_jitter", message: "must be in [0, 1)"),
            SimConfigIssue(path: "faults.stall_every", message: "must be >= 0"),
            SimConfigIssue(path: "faults.stall_ms", message: "must be >= 0"),
        ])
        XCTAssertEqual(c.faults.validate().map(\.path), ["stall_every", "stall_ms"])
    }
}
