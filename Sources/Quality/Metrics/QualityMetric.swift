import Foundation
import ConfigIssues

/// A task's scoring function (`metric_name` in its metadata.yaml), each defined with its normalisation in
/// docs/quality.md. Scores are in [0, 1]; a run reports their mean per adapter, task and load level.
public enum QualityMetric: String, Sendable, CaseIterable, Codable {
    /// Normalised prediction equals the normalised reference.
    case exactMatch = "exact_match"
    /// Classification accuracy: the same comparison as exact match, named as classification tasks name it.
    case accuracy
    /// The first of the task's labels found in the answer is the reference.
    case firstLabel = "first_label"
    /// SQuAD token-level F1.
    case tokenF1 = "token_f1"
    /// ROUGE-L F-measure.
    case rougeL = "rouge_l"
    /// Closeness of the first number in the answer to the reference number.
    case numericCloseness = "numeric_closeness"

    /// Other spellings harnesses use for the same functions.
    static let aliases: [String: QualityMetric] = [
        "em": .exactMatch, "exact": .exactMatch, "f1": .tokenF1, "rouge": .rougeL, "rougel": .rougeL, "rouge-l": .rougeL,
        "label": .firstLabel, "label_accuracy": .firstLabel, "numeric": .numericCloseness,
    ]

    /// Reads `metric_name`; the error names the known values and the nearest one.
    public static func parse(_ name: String) -> Result<QualityMetric, TemplateError> {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let m = QualityMetric(rawValue: key) ?? aliases[key] { return .success(m) }
        let known = allCases.map(\.rawValue) + aliases.keys.sorted()
        var message = "unknown metric_name \"\(name)\"; known: \(allCases.map(\.rawValue).joined(separator: ", "))"
        if let s = Suggestion.closest(to: key, in: known) { message += " (did you mean \"\(s)\"?)" }
        return .failure(TemplateError(message: message))
    }

    /// The score of one answer; `labels` is the task's label set (first_label), `scale` its numeric scale.
    public func score(prediction: String, reference: String, labels: [String] = [], scale: Double? = nil) -> Double {
        switch self {
        case .exactMatch, .accuracy:
            return TextNormalization.normalize(prediction) == TextNormalization.normalize(reference) ? 1 : 0
        case .firstLabel: return FirstLabel.score(prediction: prediction, reference: reference, labels: labels)
        case .tokenF1: return TokenF1.score(prediction: prediction, reference: reference)
        case .rougeL: return RougeL.score(prediction: prediction, reference: reference)
        case .numericCloseness: return NumericCloseness.score(prediction: prediction, reference: reference, scale: scale)
        }
    }
}
