import ArgumentParser
import Foundation
import LoadGen

/// `run`'s options for one share of a run spread over several processes (a Kubernetes Indexed Job's pods):
/// which segment, when the shared window opens, and the run id every segment writes.
struct SegmentOptions: ParsableArguments {
    @Option(help: "Send only segment i of n of the load (0-based, e.g. 0/3); VUs, arrivals and sequence numbers are split by index.")
    var segment: String?

    @Option(name: .customLong("start-at"), help: "Open the measured window at this RFC 3339 instant (e.g. 2026-12-01T02:00:00Z), the same for every segment.")
    var startAt: String?

    @Option(name: .customLong("run-id"), help: "Run id shared by every segment (x-request-id prefix; merge checks it). Default: derived from the scenario name and --start-at.")
    var runId: String?

    /// What the options ask for, checked.
    struct Plan: Equatable {
        var segment: ExecutionSegment = .whole
        var startAt: Date?
        var runId: String?
    }

    /// Most a window may be scheduled ahead: a typo in the date should fail, not wait for days.
    static let maxAhead: TimeInterval = 24 * 3600
    /// Longest a run id may be (it prefixes every `x-request-id`).
    static let maxRunIdLength = 64

    /// The plan for scenario `name`, or the sentence that says which option is wrong.
    func plan(scenarioName name: String, now: Date = Date()) throws -> Plan {
        var p = Plan()
        if let segment {
            do { p.segment = try ExecutionSegment(parsing: segment) } catch { throw ValidationError("--segment: \(error)") }
        }
        if let startAt {
            guard let d = Self.parseInstant(startAt) else {
                throw ValidationError("--start-at: \"\(startAt)\" is not an RFC 3339 instant (e.g. 2026-12-01T02:00:00Z or 2026-12-01T03:00:00.5+01:00)")
            }
            guard d.timeIntervalSince(now) <= Self.maxAhead else {
                throw ValidationError("--start-at: \(startAt) is more than 24 h from now; the window would not open today")
            }
            guard now.timeIntervalSince(d) <= Self.maxAhead else {
                throw ValidationError("--start-at: \(startAt) is more than 24 h in the past")
            }
            p.startAt = d
        }
        if let runId {
            guard !runId.isEmpty, runId.count <= Self.maxRunIdLength,
                  runId.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }) else {
                throw ValidationError("--run-id: \"\(runId)\" must be 1 to \(Self.maxRunIdLength) characters of A-Z a-z 0-9 . _ - (it prefixes every x-request-id)")
            }
            p.runId = runId
        } else if let d = p.startAt {
            p.runId = Self.derivedRunId(scenarioName: name, startAt: d)
        } else if !p.segment.isWhole {
            throw ValidationError("--segment \(p.segment) needs --start-at or --run-id, so every segment writes the same run id and merge can check they belong together")
        }
        return p
    }

    /// RFC 3339 with or without fractional seconds.
    static func parseInstant(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    /// `lb-` and 12 hex digits of FNV-1a over the scenario name and the start instant in milliseconds, so every
    /// segment given the same scenario and --start-at (in any time zone spelling) derives the same id.
    static func derivedRunId(scenarioName: String, startAt: Date) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let ms = Int64((startAt.timeIntervalSince1970 * 1000).rounded())
        for b in "\(scenarioName)\n\(ms)".utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return "lb-" + String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(12))
    }
}
