import Foundation
import Yams

/// A task's `metadata.yaml`, in the LoRA Land harness's own keys, plus two optional ones lorabench adds
/// (`labels` for first_label, `numeric_scale` for numeric_closeness). Other keys are ignored, as the harness does.
public struct TaskMetadata: Sendable, Equatable {
    /// The dataset file, relative to the task folder unless absolute.
    public var dataPath: String
    /// The prompt with the row's fields in braces (`{sentence}`; `{{` and `}}` are literal braces).
    public var promptTemplate: String
    /// The column holding the expected answer.
    public var targetColumn: String
    public var metric: QualityMetric
    /// Which rows to use: those whose `splitColumn` equals `splitValue` (both or neither).
    public var splitColumn: String?
    public var splitValue: String?
    /// The label set for first_label; nil means the distinct targets of the rows used.
    public var labels: [String]?
    public var numericScale: Double?

    /// Parses `text` (the contents of `path`); every problem names `path` and the key.
    public static func parse(_ text: String, path: String) throws -> TaskMetadata {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw TaskError(path, "not valid YAML: \(Self.describe(error))")
        }
        guard let map = node?.mapping else { throw TaskError(path, "expected a mapping of keys (data_path, prompt_template, ...)") }
        var values: [String: Node] = [:]
        for (k, v) in map { if let key = k.string { values[key] = v } }

        func line(_ key: String) -> String {
            guard let n = values[key] else { return path }
            return "\(path):\(n.mark.map { "\($0.line)" } ?? "?")"
        }
        func scalar(_ key: String, required: Bool) throws -> String? {
            guard let n = values[key], !(n.scalar.map { $0.string == "~" || $0.string == "null" } ?? false) else {
                if required { throw TaskError(path, "missing required key \"\(key)\"") }
                return nil
            }
            guard let s = n.scalar?.string else { throw TaskError(line(key), "\"\(key)\" must be a text value") }
            if required && s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw TaskError(line(key), "\"\(key)\" is empty")
            }
            return s
        }
        let metricName = try scalar("metric_name", required: true)!
        let metric: QualityMetric
        switch QualityMetric.parse(metricName) {
        case .success(let m): metric = m
        case .failure(let m): throw TaskError(line("metric_name"), m.message)
        }
        let splitColumn = try scalar("split_column", required: false)
        let splitValue = try scalar("split_column_value", required: false)
        if (splitColumn == nil) != (splitValue == nil) {
            throw TaskError(line(splitColumn == nil ? "split_column_value" : "split_column"),
                            "split_column and split_column_value go together; only one is set")
        }
        var labels: [String]?
        if let n = values["labels"] {
            guard let seq = n.sequence else { throw TaskError(line("labels"), "\"labels\" must be a list") }
            labels = try seq.map {
                guard let s = $0.scalar?.string else { throw TaskError(line("labels"), "every label must be a text value") }
                return s
            }
            if labels!.isEmpty { throw TaskError(line("labels"), "\"labels\" is empty") }
        }
        var scale: Double?
        if let s = try scalar("numeric_scale", required: false) {
            guard let v = Double(s), v.isFinite, v > 0 else { throw TaskError(line("numeric_scale"), "\"numeric_scale\" must be a positive number, not \"\(s)\"") }
            scale = v
        }
        return TaskMetadata(dataPath: try scalar("data_path", required: true)!, promptTemplate: try scalar("prompt_template", required: true)!,
                            targetColumn: try scalar("target_col", required: true)!, metric: metric, splitColumn: splitColumn,
                            splitValue: splitValue, labels: labels, numericScale: scale)
    }

    /// Yams' error in one line (its own text spans several, with a caret drawing).
    static func describe(_ error: Error) -> String {
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return "\(problem) at line \(mark.line), column \(mark.column)"
            default: break
            }
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}
