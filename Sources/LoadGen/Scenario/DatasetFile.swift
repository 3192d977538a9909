import Foundation

/// Reads a dataset file (JSONL, CSV or the ShareGPT JSON layout) into rows at validation, so a missing column,
/// an empty prompt or a bad value is refused before anything is sent, named by its file and line.
enum DatasetFile {
    enum Format: String, CaseIterable {
        case jsonl, csv, sharegpt
    }

    /// Which field of a row holds what; nil fields are not read.
    struct Columns: Equatable {
        var prompt: String? = "prompt"
        var messages: String? = "messages"
        var adapter: String? = "adapter"
        var maxTokens: String? = "max_tokens"
        var answer: String? = "answer"
        /// Names the user gave explicitly: a CSV header without one of them is an error.
        var explicit: [String] = []
    }

    /// Dataset files are read whole at validation, up to this size.
    static let maxFileBytes = 256 << 20
    /// Problems listed before the rest are only counted.
    static let maxListed = 10

    /// The format a file name implies (`.jsonl`/`.ndjson`, `.csv`, `.json` for ShareGPT).
    static func format(forName name: String) -> Format? {
        let ext = (name as NSString).pathExtension.lowercased()
        switch ext {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        case "json": return .sharegpt
        default: return nil
        }
    }

    /// Every problem found in a file, each a sentence starting with the file's name.
    struct Refused: Error { var problems: [String] }

    /// The file's rows, or every problem found (up to `maxListed`, then a count), each as `file:line: message`.
    static func read(_ path: String, format: Format, columns: Columns) -> Result<[DatasetRow], Refused> {
        let data: Data
        switch BoundedFile.read(path, limit: maxFileBytes) {
        case .failure(let why): return .failure(Refused(problems: ["\(path) \(why.reason)"]))
        case .success(let d): data = d
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Refused(problems: ["\(path) is not valid UTF-8 (first bad byte at offset \(ScenarioLoader.firstInvalidUTF8Offset(data)))"]))
        }
        var problems = Problems(file: path)
        var rows: [DatasetRow] = []
        switch format {
        case .jsonl:
            var lineNo = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNo += 1
                if line.allSatisfy({ $0.isWhitespace }) { continue }
                guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) as? [String: Any] else {
                    problems.add(lineNo, "not a JSON object on one line")
                    continue
                }
                if let r = row(obj, line: lineNo, columns: columns, &problems) { rows.append(r) }
            }
        case .csv:
            let records: [CSVRecords.Record]
            do { records = try CSVRecords.parse(text) } catch let m as CSVRecords.Malformed {
                return .failure(Refused(problems: ["\(path):\(m.line): \(m.message)"]))
            } catch { return .failure(Refused(problems: ["\(path): \(error)"])) }
            guard let header = records.first else { return .failure(Refused(problems: ["\(path) is empty (a CSV dataset needs a header line)"])) }
            for name in columns.explicit where !header.fields.contains(name) {
                problems.add(header.line, "no column \"\(name)\" in the header (columns: \(header.fields.joined(separator: ", ")))")
            }
            if problems.list.isEmpty, columns.prompt.map({ !header.fields.contains($0) }) ?? true,
               columns.messages.map({ !header.fields.contains($0) }) ?? true {
                let wanted = [columns.prompt, columns.messages].compactMap { $0 }.map { "\"\($0)\"" }.joined(separator: " or ")
                problems.add(header.line, "no \(wanted) column in the header (columns: \(header.fields.joined(separator: ", ")))")
            }
            if !problems.list.isEmpty { return .failure(Refused(problems: problems.finished)) }
            for rec in records.dropFirst() {
                guard rec.fields.count == header.fields.count else {
                    problems.add(rec.line, "\(rec.fields.count) fields, the header has \(header.fields.count)")
                    continue
                }
                var obj: [String: Any] = [:]
                for (k, v) in zip(header.fields, rec.fields) where !v.isEmpty {
                    if k == columns.messages, let parsed = try? JSONSerialization.jsonObject(with: Data(v.utf8)) { obj[k] = parsed } else { obj[k] = v }
                }
                if let r = row(obj, line: rec.line, columns: columns, &problems) { rows.append(r) }
            }
        case .sharegpt:
            guard let entries = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
                return .failure(Refused(problems: ["\(path): a ShareGPT file is one JSON array of {\"conversations\": [{\"from\", \"value\"}, ...]}"]))
            }
            let key = columns.messages ?? "conversations"
            for (i, e) in entries.enumerated() {
                guard let obj = e as? [String: Any], let conv = obj[key == "messages" ? "conversations" : key] as? [Any] else {
                    problems.add(i + 1, "entry \(i + 1) has no \"\(key == "messages" ? "conversations" : key)\" array", entry: true)
                    continue
                }
                if let r = shareGPTRow(conv, entry: i + 1, adapter: columns.adapter.flatMap { obj[$0] as? String }, &problems) { rows.append(r) }
            }
        }
        if !problems.list.isEmpty { return .failure(Refused(problems: problems.finished)) }
        if rows.isEmpty { return .failure(Refused(problems: ["\(path) holds no rows"])) }
        return .success(rows)
    }

    struct Problems {
        let file: String
        var list: [String] = []
        var more = 0

        mutating func add(_ line: Int, _ message: String, entry: Bool = false) {
            if list.count < DatasetFile.maxListed { list.append(entry ? "\(file) entry \(line): \(message)" : "\(file):\(line): \(message)") } else { more += 1 }
        }

        var finished: [String] { more > 0 ? list + ["\(file): \(more) more problems"] : list }
    }

    static func words(_ s: String) -> Int { s.split(whereSeparator: { $0.isWhitespace }).count }

    /// One JSONL/CSV row through the column mapping.
    static func row(_ obj: [String: Any], line: Int, columns: Columns, _ p: inout Problems) -> DatasetRow? {
        var content: PromptContent?
        if let k = columns.prompt, let v = obj[k] {
            guard let s = v as? String else { p.add(line, "\"\(k)\" must be a string"); return nil }
            guard !s.allSatisfy({ $0.isWhitespace }) else { p.add(line, "\"\(k)\" is empty"); return nil }
            content = .text(s)
        } else if let k = columns.messages, let v = obj[k] {
            guard let arr = v as? [Any], !arr.isEmpty else { p.add(line, "\"\(k)\" must be a non-empty array of {\"role\", \"content\"}"); return nil }
            var msgs: [ChatMessage] = []
            for (i, m) in arr.enumerated() {
                guard let o = m as? [String: Any], let role = o["role"] as? String, let text = o["content"] as? String, !role.isEmpty else {
                    p.add(line, "\"\(k)\"[\(i)] must be {\"role\": string, \"content\": string}"); return nil
                }
                msgs.append(ChatMessage(role: role, content: text))
            }
            content = .messages(msgs)
        }
        guard let content else {
            let wanted = [columns.prompt, columns.messages].compactMap { $0 }.map { "\"\($0)\"" }.joined(separator: " or ")
            p.add(line, "no \(wanted)"); return nil
        }
        var adapter: String?
        if let k = columns.adapter, let v = obj[k] {
            guard let s = v as? String else { p.add(line, "\"\(k)\" must be a string (an adapter id)"); return nil }
            adapter = s
        }
        var maxNew: Int?
        if let k = columns.maxTokens, let v = obj[k] {
            let n: Int?
            if let s = v as? String { n = Int(s.trimmingCharacters(in: .whitespaces)) }
            else if let num = v as? NSNumber, !TraceFormat.isBool(v), num.doubleValue.rounded() == num.doubleValue, abs(num.doubleValue) < 1e9 { n = num.intValue }
            else { n = nil }
            guard let n, (1...1_000_000).contains(n) else { p.add(line, "\"\(k)\" must be an integer from 1 to 1000000"); return nil }
            maxNew = n
        }
        var answer: String?
        if let k = columns.answer, let v = obj[k] {
            if let s = v as? String { answer = s } else if let n = v as? NSNumber, !TraceFormat.isBool(v) { answer = n.stringValue }
            else { p.add(line, "\"\(k)\" must be a string or a number"); return nil }
        }
        let w: Int
        switch content {
        case .text(let s): w = words(s)
        case .messages(let m): w = m.reduce(0) { $0 + words($1.content) }
        }
        return DatasetRow(content: content, words: w, adapter: adapter, maxNewTokens: maxNew, answer: answer, line: line)
    }

    /// A ShareGPT conversation: the turns up to the first human one are the prompt, the reply after it the answer.
    static func shareGPTRow(_ conv: [Any], entry: Int, adapter: String?, _ p: inout Problems) -> DatasetRow? {
        var msgs: [ChatMessage] = []
        var answer: String?
        for (i, t) in conv.enumerated() {
            guard let o = t as? [String: Any], let from = o["from"] as? String, let value = o["value"] as? String else {
                p.add(entry, "conversations[\(i)] must be {\"from\": string, \"value\": string}", entry: true); return nil
            }
            let role: String
            switch from.lowercased() {
            case "human", "user": role = "user"
            case "gpt", "assistant", "chatgpt", "bard", "bing", "model": role = "assistant"
            case "system": role = "system"
            default: p.add(entry, "conversations[\(i)].from is \"\(from)\" (expected human, gpt or system)", entry: true); return nil
            }
            if msgs.last?.role == "user" {
                if role == "assistant" { answer = value }
                break
            }
            msgs.append(ChatMessage(role: role, content: value))
        }
        guard msgs.last?.role == "user", !(msgs.last!.content.allSatisfy { $0.isWhitespace }) else {
            p.add(entry, "no human turn with text", entry: true); return nil
        }
        let content: PromptContent = msgs.count == 1 ? .text(msgs[0].content) : .messages(msgs)
        return DatasetRow(content: content, words: msgs.reduce(0) { $0 + words($1.content) }, adapter: adapter, answer: answer, line: entry)
    }
}
