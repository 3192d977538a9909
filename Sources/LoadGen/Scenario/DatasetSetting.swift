import Stats

extension Scenario.Workload {
    /// `{"source": "dataset", "file", "format", "columns", "sampling", "min_words", "max_words"}`: rows read and checked at validation.
    public struct Dataset: Sendable {
        public var file: String
        public var rows: [DatasetRow]
        public var sampling: DatasetPrompts.Sampling
    }
}

/// Decodes a `dataset` workload and reads its file, so every problem of the file is reported by `validate`.
enum DatasetSetting {
    static let keys = ["file", "format", "columns", "sampling", "min_words", "max_words"]
    static let columnKeys = ["prompt", "messages", "adapter", "max_tokens", "answer"]

    static func parse(_ o: [String: JSONValue], _ r: inout ScenarioReader) -> Scenario.Workload.Dataset? {
        guard let file = r.string(o, "file", "workload") else {
            if o["file"] == nil { r.fail("workload.file", "required: a JSONL, CSV or ShareGPT JSON file") }
            return nil
        }
        var format = DatasetFile.format(forName: file)
        if let f = r.string(o, "format", "workload") {
            if let parsed = DatasetFile.Format(rawValue: f) { format = parsed } else {
                r.fail("workload.format", "expected one of \(WorkloadSetting.list(DatasetFile.Format.allCases.map(\.rawValue))), got \"\(f)\"")
                return nil
            }
        }
        guard let format else {
            r.fail("workload.format", "required when the file name does not end in .jsonl, .csv or .json (one of \(WorkloadSetting.list(DatasetFile.Format.allCases.map(\.rawValue))))")
            return nil
        }
        var columns = DatasetFile.Columns()
        if let c = o["columns"], c != .null, let m = r.object(c, "workload.columns", allowed: columnKeys) {
            for key in columnKeys where m[key] != nil {
                guard let name = r.string(m, key, "workload.columns"), !name.isEmpty else {
                    if m[key] != .null { r.fail("workload.columns.\(key)", "expected a non-empty column name") }
                    continue
                }
                columns.explicit.append(name)
                switch key {
                case "prompt": columns.prompt = name
                case "messages": columns.messages = name
                case "adapter": columns.adapter = name
                case "max_tokens": columns.maxTokens = name
                default: columns.answer = name
                }
            }
            if m["prompt"] != nil, m["messages"] == nil { columns.messages = nil }
            if m["messages"] != nil, m["prompt"] == nil { columns.prompt = nil }
        }
        var sampling = DatasetPrompts.Sampling.withoutReplacement
        if let s = r.string(o, "sampling", "workload") {
            if let parsed = DatasetPrompts.Sampling(rawValue: s) { sampling = parsed } else {
                r.fail("workload.sampling", "expected one of \(WorkloadSetting.list(DatasetPrompts.Sampling.allCases.map(\.rawValue))), got \"\(s)\"")
            }
        }
        let minWords = r.int(o, "min_words", "workload", range: 1...10_000_000)
        let maxWords = r.int(o, "max_words", "workload", range: 1...10_000_000)
        if let minWords, let maxWords, minWords > maxWords { r.fail("workload.min_words", "is greater than max_words (\(maxWords))") }
        switch DatasetFile.read(file, format: format, columns: columns) {
        case .failure(let problems):
            for p in problems.problems { r.fail("workload.file", p) }
            return nil
        case .success(let all):
            let rows = all.filter { $0.words >= (minWords ?? 0) && $0.words <= (maxWords ?? .max) }
            if rows.isEmpty {
                r.fail("workload", "all \(all.count) rows of \(file) are outside min_words/max_words")
                return nil
            }
            return Scenario.Workload.Dataset(file: file, rows: rows, sampling: sampling)
        }
    }
}
