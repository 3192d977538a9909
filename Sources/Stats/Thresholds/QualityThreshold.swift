/// Thresholds on quality: `quality{task:glue_sst2}.accuracy` (> 0.9), `quality{adapter:org/a,task:x}.score`,
/// `quality.adapter_mismatches` (== 0), `quality.canaries_diverged`. Filters pick the summary's `quality.rows`
/// (whole-run rows) by task and adapter (`adapter:` empty for the base model); a score is the mean over every
/// scored answer of the rows picked. No row picked, or nothing scored, is "no data" (the threshold fails).
public struct QualityThreshold: Equatable, Sendable {
    public var task: String?
    public var adapter: String?
    public var statistic: String

    /// Statistics of picked rows.
    public static let rowStatistics = ["accuracy", "score", "scored", "failed", "exact", "adapter_mismatches"]
    /// Statistics of the whole run, without filters.
    public static let runStatistics = ["canaries_diverged", "identity_mismatches"]

    /// nil when `metric` is not a quality metric at all; throws when it is one written wrongly.
    public static func parse(_ metric: String) throws -> QualityThreshold? {
        guard metric == "quality" || metric.hasPrefix("quality{") || metric.hasPrefix("quality.") else { return nil }
        var rest = Substring(metric.dropFirst("quality".count))
        var q = QualityThreshold(task: nil, adapter: nil, statistic: "")
        if rest.hasPrefix("{") {
            guard let close = rest.firstIndex(of: "}") else { throw ThresholdError(message: "\"\(metric)\": unclosed \"{\"") }
            for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false) {
                let kv = pair.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let key = kv[0].trimmingCharacters(in: .whitespaces)
                let value = kv.count == 2 ? kv[1].trimmingCharacters(in: .whitespaces) : nil
                switch (key, value) {
                case ("task", let v?) where !v.isEmpty: q.task = v
                case ("adapter", let v?): q.adapter = v
                default:
                    throw ThresholdError(message: "\"\(metric)\": expected filters like {task:glue_sst2} or {adapter:org/a,task:x}, got \"\(pair)\"")
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        guard rest.hasPrefix("."), rest.count > 1 else {
            throw ThresholdError(message: "\"\(metric)\": expected quality{…}.<statistic> with statistic one of "
                                 + (rowStatistics + runStatistics).joined(separator: ", "))
        }
        q.statistic = String(rest.dropFirst())
        if runStatistics.contains(q.statistic) {
            guard q.task == nil, q.adapter == nil else {
                throw ThresholdError(message: "\"\(metric)\": \(q.statistic) is a whole-run number; write quality.\(q.statistic)")
            }
        } else if !rowStatistics.contains(q.statistic) {
            throw ThresholdError(message: "\"\(metric)\": unknown statistic \"\(q.statistic)\"; expected one of "
                                 + (rowStatistics + runStatistics).joined(separator: ", "))
        }
        return q
    }
}
