import Foundation

/// Reads and writes durations as scenario files spell them: "500ms", "30s", "1m30s", "2h", or a number of seconds.
public enum DurationText {
    /// Parses a duration; nil when the text is not one.
    public static func parse(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        if let seconds = Double(s), seconds.isFinite, seconds >= 0 {
            // Same bound as the unit form below: larger values would trap converting to Int64.
            guard seconds < 1e9 else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var total: Double = 0
        var number = ""
        var i = s.startIndex
        var sawUnit = false
        while i < s.endIndex {
            let c = s[i]
            if c.isNumber || c == "." {
                number.append(c); i = s.index(after: i); continue
            }
            var unit = ""
            while i < s.endIndex, s[i].isLetter || s[i] == "µ" { unit.append(s[i]); i = s.index(after: i) }
            guard let value = Double(number), value.isFinite else { return nil }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "us", "µs": scale = 0.000_001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += value * scale
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total.isFinite, total < 1e9 else { return nil }
        return .microseconds(Int64((total * 1_000_000).rounded()))
    }

    /// Short human text for a duration ("1m30s", "250ms").
    public static func format(_ d: Duration) -> String {
        let micros = d.microseconds
        if micros % 1_000_000 != 0 || micros == 0 {
            if micros % 1000 == 0 { return "\(micros / 1000)ms" }
            return "\(Double(micros) / 1000)ms"
        }
        var s = micros / 1_000_000
        var out = ""
        if s >= 3600 { out += "\(s / 3600)h"; s %= 3600 }
        if s >= 60 { out += "\(s / 60)m"; s %= 60 }
        if s > 0 { out += "\(s)s" }
        return out
    }
}

extension Duration {
    /// Whole microseconds, the unit every raw timestamp in lorabench uses; held at `Int64.max`/`.min` past
    /// ±292,000 years rather than trapping (a sum of many long stages must not crash validation).
    public var microseconds: Int64 {
        let (s, atto) = components
        let (m, o1) = s.multipliedReportingOverflow(by: 1_000_000)
        let (total, o2) = m.addingReportingOverflow(atto / 1_000_000_000_000)
        return o1 || o2 ? (s < 0 ? .min : .max) : total
    }

    /// Seconds as a Double, for rates and arithmetic.
    public var seconds: Double { Double(microseconds) / 1_000_000 }
}
