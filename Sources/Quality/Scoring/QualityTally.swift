import Stats

/// Folds each task request's outcome into the run's quality section: scores per adapter and task, adapter
/// identity over every request, and canary comparisons. Not thread-safe: fed from one queue (the run's stats queue).
public final class QualityTally {
    /// One scored (or unscored) task answer, for responses.jsonl.
    public struct Scored: Sendable {
        public var pick: TaskPlan.Pick
        public var score: Double?
        /// For a canary: whether it matched its idle answer (nil when not compared).
        public var canaryMatched: Bool?
    }

    public let plan: TaskPlan?
    private var rows: [QualitySummary.Row]
    /// stageRows[stage][binding], created as stages are seen.
    private var stageRows: [Int: [QualitySummary.Row]] = [:]
    private var identity = QualitySummary.Identity()
    private var canaries: QualitySummary.Canaries?
    /// baselines[binding][canary prompt]: the idle answer, nil until obtained or when its request failed.
    private var baselines: [[String?]]
    /// Divergence examples kept in summary.json.
    public static let maxExamples = 20

    /// `plan` nil tallies identity only (a run without a task workload).
    public init(plan: TaskPlan?) {
        self.plan = plan
        rows = plan?.bindings.map { b in
            var r = QualitySummary.Row(adapter: b.adapter, task: b.task.name, metric: b.task.metric.rawValue)
            if b.task.metric == .firstLabel { r.noLabel = 0 }
            return r
        } ?? []
        if let p = plan, let c = p.canaries, c.prompts > 0 {
            canaries = QualitySummary.Canaries(prompts: c.prompts, requiredPrefix: c.requiredPrefix)
            baselines = p.bindings.indices.map { [String?](repeating: nil, count: p.canaryCount(binding: $0)) }
        } else {
            baselines = []
        }
    }

    /// The idle answer to canary prompt `item` of `binding` (nil when that request failed).
    public func baseline(binding: Int, item: Int, answer: String?) {
        guard binding < baselines.count, item < baselines[binding].count else { return }
        baselines[binding][item] = answer
        if answer != nil { canaries?.baselines += 1 }
    }

    /// Identity of any measured request.
    public func identity(of r: RequestRecord) {
        if r.errorClass == .adapterMismatch { identity.mismatched += 1 }
        else if r.servedAdapter != nil { identity.confirmed += 1 }
        else { identity.unstated += 1 }
    }

    /// A measured request of the task workload: `record` of what `pick` asked. Returns what it scored.
    @discardableResult
    public func add(_ record: RequestRecord, pick: TaskPlan.Pick) -> Scored {
        identity(of: record)
        guard let plan else { return Scored(pick: pick, score: nil, canaryMatched: nil) }
        if pick.canary { return Scored(pick: pick, score: nil, canaryMatched: compareCanary(record, pick: pick, plan: plan)) }
        let task = plan.bindings[pick.binding].task
        var score: Double?
        var noLabel = false
        if record.succeeded, let text = record.generatedText {
            score = task.score(text, item: pick.item)
            noLabel = task.metric == .firstLabel && FirstLabel.find(in: text, labels: task.labels) == nil
        }
        func fold(_ row: inout QualitySummary.Row) {
            row.requests += 1
            if record.errorClass == .adapterMismatch { row.adapterMismatches += 1 }
            if let s = score {
                row.scored += 1
                row.scoreSum += s
                if s == 1 { row.exact += 1 }
                if noLabel { row.noLabel! += 1 }
            } else {
                row.failed += 1
            }
        }
        fold(&rows[pick.binding])
        if stageRows[record.stage] == nil {
            stageRows[record.stage] = rows.map { r in
                var e = QualitySummary.Row(adapter: r.adapter, task: r.task, metric: r.metric)
                e.stage = record.stage
                if r.noLabel != nil { e.noLabel = 0 }
                return e
            }
        }
        fold(&stageRows[record.stage]![pick.binding])
        return Scored(pick: pick, score: score, canaryMatched: nil)
    }

    private func compareCanary(_ r: RequestRecord, pick: TaskPlan.Pick, plan: TaskPlan) -> Bool? {
        guard canaries != nil else { return nil }
        canaries!.resent += 1
        guard r.succeeded || r.errorClass == .adapterMismatch, let answer = r.generatedText,
              pick.binding < baselines.count, pick.item < baselines[pick.binding].count,
              let base = baselines[pick.binding][pick.item] else { return nil }
        canaries!.compared += 1
        if CanaryComparison.matches(baseline: base, answer: answer, requiredPrefix: canaries!.requiredPrefix) {
            canaries!.matched += 1
            return true
        }
        canaries!.diverged += 1
        if canaries!.examples.count < Self.maxExamples {
            let b = plan.bindings[pick.binding]
            canaries!.examples.append(QualitySummary.Divergence(
                adapter: b.adapter, prompt: b.task.items[pick.item].prompt, baseline: base, answer: answer,
                divergesAt: CanaryComparison.commonPrefix(base, answer), servedAdapter: r.servedAdapter,
                requestId: r.clientRequestId))
        }
        return false
    }

    /// The section for summary.json.
    public var summary: QualitySummary {
        let byStage = stageRows.count > 1 ? stageRows.keys.sorted().flatMap { stageRows[$0]! } : nil
        return QualitySummary(rows: rows, byStage: byStage, identity: identity, canaries: canaries)
    }
}
