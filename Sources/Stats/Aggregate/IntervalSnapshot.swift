/// One second (or other interval) of a run: what completed in it, for timeseries.csv and the live progress line.
public struct IntervalSnapshot: Sendable {
    public var requests = 0
    public var errors = 0
    public var outputTokens = 0
    public var ttft = LatencyHistogram()
    /// VUs (or in-flight slots) busy at the end of the interval, as reported by the executor.
    public var activeVUs = 0

    public init() {}

    public mutating func add(_ r: RequestRecord) {
        requests += 1
        if r.errorClass != nil { errors += 1; return }
        outputTokens.addSaturating(r.outputTokens)
        if let t = r.ttftMicros { ttft.record(t) }
    }

    public static let csvHeader = ["second", "requests", "output_tokens", "errors", "ttft_p50_ms", "ttft_p95_ms", "active_vus"]

    public func csvRow(second: Int) -> [String] {
        // Both from one walk of the buckets (a walk costs ~100 instructions per bucket up to the value found).
        let ps = ttft.count > 0 ? ttft.statistics(at: [50, 95], moments: false).percentiles.map(RequestsCSV.msText) : ["", ""]
        let p50 = ps[0], p95 = ps[1]
        return [String(second), String(requests), String(outputTokens), String(errors), p50, p95, String(activeVUs)]
    }
}
