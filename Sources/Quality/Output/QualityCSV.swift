import Foundation
import Stats

/// quality.csv: one row per adapter and task of a run (docs/result-files.md).
public enum QualityCSV {
    public static let header = ["adapter", "task", "metric", "requests", "scored", "failed", "score", "exact", "no_label", "adapter_mismatches",
                                "stage"]

    /// The whole-run rows (empty `stage`), then, for runs of several stages, the same per stage.
    public static func rows(_ q: QualitySummary) -> [[String]] {
        (q.rows + (q.byStage ?? [])).map { r in
            [r.adapter, r.task, r.metric, String(r.requests), String(r.scored), String(r.failed),
             r.score.map { String(format: "%.6f", $0) } ?? "", String(r.exact), r.noLabel.map(String.init) ?? "", String(r.adapterMismatches),
             r.stage.map(String.init) ?? ""]
        }
    }

    /// The whole file's text.
    public static func text(_ q: QualitySummary) -> String {
        ([header] + rows(q)).map { $0.map(CSVLineWriter.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
