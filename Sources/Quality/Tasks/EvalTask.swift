import Foundation

/// One evaluation task ready to send: its rows rendered through the template, each with the expected answer.
public struct EvalTask: Sendable {
    /// One prompt and what a right answer is.
    public struct Item: Sendable, Equatable {
        public var prompt: String
        public var reference: String
        /// The data file's line the row starts on, so a score can be traced back.
        public var line: Int
    }

    /// The folder's name (`glue_sst2` for `tasks/glue_sst2`).
    public var name: String
    /// The folder as given.
    public var folder: String
    public var metadata: TaskMetadata
    public var items: [Item]
    /// The label set first_label looks for: `labels` from the metadata, else the distinct references in row order.
    public var labels: [String]

    public var metric: QualityMetric { metadata.metric }

    /// The score of `prediction` for item `index`.
    public func score(_ prediction: String, item index: Int) -> Double {
        metric.score(prediction: prediction, reference: items[index].reference, labels: labels, scale: metadata.numericScale)
    }

    /// Reads `folder` (a `tasks/{name}` folder holding metadata.yaml); relative paths are taken from `base`.
    public static func load(folder: String, base: String = FileManager.default.currentDirectoryPath) throws -> EvalTask {
        let dir = folder.hasPrefix("/") ? folder : (base as NSString).appendingPathComponent(folder)
        let metaPath = (dir as NSString).appendingPathComponent("metadata.yaml")
        let shownMeta = (folder as NSString).appendingPathComponent("metadata.yaml")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw TaskError(folder, "task folder not found (a task is a folder holding metadata.yaml)")
        }
        guard let data = FileManager.default.contents(atPath: metaPath) else { throw TaskError(shownMeta, "not found") }
        guard data.count <= 1 << 20 else { throw TaskError(shownMeta, "over 1 MiB; a task's metadata is a few lines") }
        guard let text = String(data: data, encoding: .utf8) else { throw TaskError(shownMeta, "not UTF-8 text") }
        let meta = try TaskMetadata.parse(text, path: shownMeta)
        let template: PromptTemplate
        do { template = try PromptTemplate(meta.promptTemplate) } catch {
            throw TaskError(shownMeta, "prompt_template: \(error.message)")
        }
        let dataPath = meta.dataPath.hasPrefix("/") ? meta.dataPath : (dir as NSString).appendingPathComponent(meta.dataPath)
        let shownData = meta.dataPath.hasPrefix("/") ? meta.dataPath : (folder as NSString).appendingPathComponent(meta.dataPath)
        let (columns, rows) = try TaskData.read(path: dataPath, shownPath: shownData)
        var needed = template.fields.map { ("prompt_template", $0) } + [("target_col", meta.targetColumn)]
        if let s = meta.splitColumn { needed.append(("split_column", s)) }
        for (key, column) in needed where !columns.contains(column) {
            throw TaskError(shownMeta, "\(key) names column \"\(column)\", which \(shownData) does not have (columns: \(columns.joined(separator: ", ")))")
        }
        var items: [Item] = []
        for row in rows {
            if let s = meta.splitColumn, row.fields[s] != meta.splitValue { continue }
            for f in template.fields where row.fields[f] == nil {
                throw TaskError("\(shownData):\(row.line)", "row has no \"\(f)\" (used by prompt_template)")
            }
            guard let target = row.fields[meta.targetColumn] else {
                throw TaskError("\(shownData):\(row.line)", "row has no \"\(meta.targetColumn)\" (target_col)")
            }
            items.append(Item(prompt: template.render(row.fields), reference: target, line: row.line))
        }
        guard !items.isEmpty else {
            let why = meta.splitColumn.map { " with \($0) = \"\(meta.splitValue!)\"" } ?? ""
            throw TaskError(shownData, "no rows\(why)")
        }
        var labels = meta.labels ?? []
        if meta.labels == nil {
            var seen = Set<String>()
            for i in items where seen.insert(TextNormalization.normalize(i.reference)).inserted { labels.append(i.reference) }
        }
        let name = ((folder as NSString).standardizingPath as NSString).lastPathComponent
        return EvalTask(name: name, folder: folder, metadata: meta, items: items, labels: labels)
    }
}
