import Foundation
import Quality
import Stats

/// Scores a task workload's answers as they complete (per adapter and task), tallies adapter identity over every
/// request, compares canaries with their idle answers, and writes responses.jsonl and quality.csv.
/// Threading: every call comes from the runner's stats queue (RunCollector's rule), so its state needs no lock.
public final class QualityCollector: RunCollector, @unchecked Sendable {  // @unchecked: stats-queue confined.
    private let prompts: TaskPrompts?
    private let tally: QualityTally
    private let writesResponses: Bool
    private var responses: CSVLineWriter?
    /// The responses.jsonl write that failed, kept so the run's end can say so.
    public private(set) var writeFailure: ResultWriteError?

    /// For a task workload (scores, canaries, responses.jsonl) or a run with `responses: true` (responses.jsonl and
    /// identity only); none otherwise.
    public static func forScenario(_ scenario: Scenario) -> [RunCollector] {
        if case .task(let t) = scenario.workload.source { return [QualityCollector(workload: t, writesResponses: true)] }
        if scenario.responses { return [QualityCollector(workload: nil, writesResponses: true)] }
        return []
    }

    public init(workload: TaskWorkload?, writesResponses: Bool) {
        prompts = workload.map(TaskPrompts.init)
        tally = QualityTally(plan: workload?.plan)
        self.writesResponses = writesResponses
    }

    public func observe(_ progress: RunProgress) {}

    public func windowWillOpen(resultsDirectory: String) {
        guard writesResponses else { return }
        do { responses = try CSVLineWriter(linesAt: (resultsDirectory as NSString).appendingPathComponent("responses.jsonl")) }
        catch { writeFailure = error as? ResultWriteError }
    }

    public func idleRequests() -> [(tag: Int, prompt: Prompt)] {
        guard let prompts, let plan = tally.plan else { return [] }
        var out: [(tag: Int, prompt: Prompt)] = []
        for b in plan.bindings.indices {
            for k in 0..<plan.canaryCount(binding: b) {
                out.append((tag: b << 16 | k, prompt: prompts.prompt(TaskPlan.Pick(binding: b, item: k, canary: true))))
            }
        }
        return out
    }

    public func idleAnswered(tag: Int, record: RequestRecord) {
        tally.baseline(binding: tag >> 16, item: tag & 0xFFFF, answer: record.succeeded ? record.generatedText : nil)
    }

    public func record(_ r: RequestRecord) {
        let line: ResponseLine
        if let plan = tally.plan {
            let scored = tally.add(r, pick: plan.pick(sequence: r.sequence))
            line = ResponseLine(r, scored: scored, plan: plan)
        } else {
            tally.identity(of: r)
            line = ResponseLine(r)
        }
        guard let responses else { return }
        responses.appendLine(line.json())
        if let f = responses.failure, writeFailure == nil { writeFailure = f }
    }

    public func contribute(to summary: inout RunSummary) {
        let q = tally.summary
        if tally.plan != nil || q.identity.confirmed + q.identity.mismatched > 0 { summary.quality = q }
    }

    public func finish(resultsDirectory: String) {
        if let responses {
            do { try responses.finish() } catch { writeFailure = writeFailure ?? (error as? ResultWriteError) }
        }
        guard tally.plan != nil else { return }
        let path = (resultsDirectory as NSString).appendingPathComponent("quality.csv")
        do { try AtomicFile.write(Data(QualityCSV.text(tally.summary).utf8), to: path) }
        catch { writeFailure = writeFailure ?? ResultWriteError(path: path, reason: "\(error)") }
    }
}
