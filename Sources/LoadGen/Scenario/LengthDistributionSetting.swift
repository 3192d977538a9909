import Foundation
import Stats

/// Decodes a length distribution: `{"distribution": "fixed"|"uniform"|"normal"|"lognormal"|"empirical", ...}`.
/// `fixed`: `value`; `uniform`: `min`, `max`; `normal`: `mean`, `sigma`; `lognormal`: `mean` and `sigma` (of the
/// lengths themselves) or `p50` and `p90`; `empirical`: `file`, one `length` or `length,count` per line.
/// `normal` and `lognormal` take optional `min`/`max` clamps (default `limits`).
enum LengthDistributionSetting {
    static let kinds = ["fixed", "uniform", "normal", "lognormal", "empirical"]
    /// Empirical histogram files are read whole at validation, up to this size.
    static let maxFileBytes = 16 << 20

    static func parse(_ value: JSONValue, _ path: String, limits: ClosedRange<Int>, _ r: inout ScenarioReader) -> LengthDistribution? {
        guard case .object(let o) = value else {
            r.fail(path, "expected an object like {\"distribution\": \"lognormal\", \"p50\": 100, \"p90\": 400}, got \(value.typeName) \(value.brief)")
            return nil
        }
        guard let kind = r.string(o, "distribution", path) else {
            if o["distribution"] == nil { r.fail(ScenarioReader.join(path, "distribution"), "required: one of \(WorkloadSetting.list(kinds))") }
            return nil
        }
        let lim = Double(limits.lowerBound)...Double(limits.upperBound)
        func clamps(_ allowed: [String]) -> ClosedRange<Int>? {
            _ = r.object(value, path, allowed: ["distribution", "min", "max"] + allowed)
            let lo = r.int(o, "min", path, range: limits) ?? limits.lowerBound
            let hi = r.int(o, "max", path, range: limits) ?? limits.upperBound
            guard lo <= hi else { r.fail(path, "min (\(lo)) is greater than max (\(hi))"); return nil }
            return lo...hi
        }
        func required(_ key: String, _ range: ClosedRange<Double>) -> Double? {
            if o[key] == nil { r.fail(ScenarioReader.join(path, key), "required for \"\(kind)\""); return nil }
            return r.number(o, key, path, range: range)
        }
        switch kind {
        case "fixed":
            _ = r.object(value, path, allowed: ["distribution", "value"])
            if o["value"] == nil { r.fail(ScenarioReader.join(path, "value"), "required for \"fixed\""); return nil }
            return r.int(o, "value", path, range: limits).map { .fixed($0) }
        case "uniform":
            _ = r.object(value, path, allowed: ["distribution", "min", "max"])
            let lo = o["min"] == nil ? nil : r.int(o, "min", path, range: limits)
            let hi = o["max"] == nil ? nil : r.int(o, "max", path, range: limits)
            if o["min"] == nil { r.fail(ScenarioReader.join(path, "min"), "required for \"uniform\"") }
            if o["max"] == nil { r.fail(ScenarioReader.join(path, "max"), "required for \"uniform\"") }
            guard let lo, let hi else { return nil }
            guard lo <= hi else { r.fail(path, "min (\(lo)) is greater than max (\(hi))"); return nil }
            return .uniform(lo...hi)
        case "normal":
            let b = clamps(["mean", "sigma"])
            let mean = required("mean", lim), sigma = required("sigma", 0...lim.upperBound)
            guard let b, let mean, let sigma else { return nil }
            return .normal(mean: mean, sigma: sigma, bounds: b)
        case "lognormal":
            let b = clamps(["mean", "sigma", "p50", "p90"])
            let byMean = o["mean"] != nil || o["sigma"] != nil, byPercentile = o["p50"] != nil || o["p90"] != nil
            if byMean && byPercentile { r.fail(path, "give either mean and sigma or p50 and p90, not both"); return nil }
            if byPercentile {
                let p50 = required("p50", 0.000_001...lim.upperBound), p90 = required("p90", 0.000_001...lim.upperBound)
                guard let b, let p50, let p90 else { return nil }
                guard p90 >= p50 else { r.fail(ScenarioReader.join(path, "p90"), "must be at least p50 (\(ScenarioReader.show(p50))), got \(ScenarioReader.show(p90))"); return nil }
                return .lognormal(p50: p50, p90: p90, bounds: b)
            }
            let mean = required("mean", 0.000_001...lim.upperBound), sd = required("sigma", 0...lim.upperBound)
            guard let b, let mean, let sd else { return nil }
            return .lognormal(mean: mean, sd: sd, bounds: b)
        case "empirical":
            _ = r.object(value, path, allowed: ["distribution", "file"])
            guard let file = r.string(o, "file", path) else {
                if o["file"] == nil { r.fail(ScenarioReader.join(path, "file"), "required for \"empirical\"") }
                return nil
            }
            return empirical(file, ScenarioReader.join(path, "file"), limits: limits, &r)
        default:
            var message = "expected one of \(WorkloadSetting.list(kinds)), got \"\(kind)\""
            if let guess = Suggestion.closest(to: kind, in: kinds) { message += " (did you mean \"\(guess)\"?)" }
            r.fail(ScenarioReader.join(path, "distribution"), message)
            return nil
        }
    }

    /// A histogram file: each non-blank line `length` or `length,count` (comma, tab or spaces); `#` starts a comment.
    static func empirical(_ file: String, _ path: String, limits: ClosedRange<Int>, _ r: inout ScenarioReader) -> LengthDistribution? {
        let data: Data
        switch BoundedFile.read(file, limit: maxFileBytes) {
        case .failure(let why): r.fail(path, "\(file) \(why.reason)"); return nil
        case .success(let d): data = d
        }
        guard let text = String(data: data, encoding: .utf8) else { r.fail(path, "\(file) is not valid UTF-8 text"); return nil }
        var weights: [Int: Double] = [:]
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count <= 2, let length = Int(fields[0]), limits.contains(length) else {
                r.fail(path, "\(file):\(lineNo): expected \"length\" or \"length,count\" with a length from \(limits.lowerBound) to \(limits.upperBound), got \"\(line.prefix(80))\"")
                return nil
            }
            var count = 1.0
            if fields.count == 2 {
                guard let c = Double(fields[1]), c.isFinite, c >= 0 else {
                    r.fail(path, "\(file):\(lineNo): the count must be a number of at least 0, got \"\(fields[1].prefix(40))\"")
                    return nil
                }
                count = c
            }
            weights[length, default: 0] += count
        }
        let lengths = weights.keys.filter { weights[$0]! > 0 }.sorted()
        guard !lengths.isEmpty else { r.fail(path, "\(file) holds no length with a count above 0"); return nil }
        return .empirical(lengths: lengths, cdf: AdapterPicker.cdf(lengths.map { weights[$0]! }))
    }
}
