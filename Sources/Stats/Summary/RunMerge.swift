/// Several runs as one summary (e.g. generators on several machines): counts added, HDR histograms merged exactly.
public enum RunMerge {
    /// Most runs one merge takes: with every count read bounded by `Aggregate.maxCount`, sums of this many cannot
    /// overflow a 64-bit count or histogram counter.
    public static let maxRuns = 1000

    /// The runs merged; simultaneous runs share the longest window, `sequential` ones add their windows.
    /// `version` is the merging lorabench's, recorded in the result. `runs` must hold 1 to `maxRuns` summaries.
    public static func merge(_ runs: [RunSummary], sequential: Bool, version: String) -> RunSummary {
        precondition(!runs.isEmpty && runs.count <= maxRuns, "merge needs 1 to \(maxRuns) runs")
        var aggregate = Aggregate()
        for r in runs { aggregate.merge(r.aggregate) }
        let first = runs.min { $0.run.startedAt < $1.run.startedAt }!
        let last = runs.max { $0.run.endedAt < $1.run.endedAt }!
        let window = sequential ? runs.reduce(0) { $0 + $1.run.windowSeconds } : runs.map(\.run.windowSeconds).max()!
        let names = Array(Set(runs.map(\.run.scenarioName))).sorted()
        let info = RunSummary.Run(
            scenarioName: names.joined(separator: "+"), executor: first.run.executor, target: first.run.target, api: first.run.api,
            lorabenchVersion: version, host: "merged from \(runs.count) runs", startedAt: first.run.startedAt,
            endedAt: last.run.endedAt, windowSeconds: window, interrupted: runs.contains { $0.run.interrupted },
            requestedRate: runs.allSatisfy { $0.run.requestedRate != nil } ? runs.compactMap(\.run.requestedRate).reduce(0, +) : nil,
            scheduledSeconds: runs.compactMap(\.run.scheduledSeconds).max())
        return RunSummary(run: info, scenario: .array(runs.map(\.scenario)), slo: first.slo, aggregate: aggregate)
    }
}
