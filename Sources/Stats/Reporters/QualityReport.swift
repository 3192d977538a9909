/// The terminal's quality section: each adapter's score on its task, adapter identity, and canaries that changed
/// (both texts and where they part), so a wrong adapter shows up in the summary and not only in the files.
public enum QualityReport {
    /// Canary divergences printed in full; the rest are in summary.json.
    static let shownDivergences = 3

    public static func lines(_ s: RunSummary) -> [String] {
        guard let q = s.quality else { return [] }
        var out: [String] = []
        if !q.rows.isEmpty {
            out.append("")
            out.append(ReportText.left("  quality: adapter", 28) + ReportText.left("task", 22) + ReportText.left("metric", 14)
                       + ["score", "scored", "failed", "mismatch"].map { ReportText.right($0, 10) }.joined())
            for r in q.rows {
                let name = r.adapter.isEmpty ? "(base model)" : r.adapter
                let score = r.score.map { ReportText.number($0 * 100) + " %" } ?? "no answers"
                out.append(ReportText.left("  " + String(name.suffix(25)), 28) + ReportText.left(String(r.task.prefix(21)), 22)
                           + ReportText.left(r.metric, 14)
                           + [score, String(r.scored), String(r.failed), String(r.adapterMismatches)].map { ReportText.right($0, 10) }.joined())
            }
        }
        if let stages = q.byStage, !stages.isEmpty {
            out.append("  quality by stage (load level):")
            for stage in Array(Set(stages.compactMap(\.stage))).sorted() {
                let cells = stages.filter { $0.stage == stage }.map { r in
                    (r.adapter.isEmpty ? "(base model)" : r.adapter) + "/" + r.task + " "
                        + (r.score.map { ReportText.number($0 * 100) + " %" } ?? "no answers") + " of \(r.scored)"
                }
                out.append("    stage \(stage): " + cells.joined(separator: ", "))
            }
        }
        let id = q.identity
        if id.confirmed + id.mismatched > 0 {
            out.append("  adapter identity: \(id.confirmed) confirmed, \(id.mismatched) answered by another adapter (adapter_mismatch), "
                       + "\(id.unstated) not stated by the server")
        }
        if let c = q.canaries {
            let rule = c.requiredPrefix.map { "first \($0) characters must match" } ?? "whole answer must match"
            out.append("  canaries: \(c.prompts) per adapter, \(c.baselines) idle answers; \(c.resent) re-sent under load, \(c.compared) compared, "
                       + "\(c.matched) matched, \(c.diverged) diverged (\(rule))")
            for d in c.examples.prefix(shownDivergences) {
                let who = d.adapter.isEmpty ? "base model" : d.adapter
                out.append("    \(who)\(d.servedAdapter.map { $0 != d.adapter ? " (served by \($0.isEmpty ? "the base model" : $0))" : "" } ?? ""): diverges at character \(d.divergesAt)")
                out.append("      idle:  \(quoted(d.baseline))")
                out.append("      load:  \(quoted(d.answer))")
            }
            if c.diverged > shownDivergences { out.append("    … \(c.diverged - shownDivergences) more in summary.json quality.canaries and responses.jsonl") }
        }
        return out
    }

    static func quoted(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: "\\n")
        return "\"" + (flat.count > 100 ? String(flat.prefix(97)) + "..." : flat) + "\""
    }
}

import Foundation
