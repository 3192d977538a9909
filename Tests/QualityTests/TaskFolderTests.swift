import XCTest
@testable import Quality

/// Task folders as the LoRA Land harness lays them out, and every way one can be wrong.
final class TaskFolderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "quality-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/tasks/demo", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ name: String, _ text: String) { FileManager.default.createFile(atPath: dir + "/tasks/demo/" + name, contents: Data(text.utf8)) }

    func load() throws -> EvalTask { try EvalTask.load(folder: "tasks/demo", base: dir) }

    func error(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    func testJSONLinesTaskWithASplitIsRenderedRowByRow() throws {
        write("metadata.yaml", """
            data_path: data.jsonl
            prompt_template: "Review: {text}\\nSentiment ({{positive|negative}}):"
            target_col: label
            metric_name: first_label
            split_column: split
            split_column_value: test
            """)
        write("data.jsonl", """
            {"text": "great", "label": "positive", "split": "test"}

            {"text": "bad", "label": "negative", "split": "train"}
            {"text": "awful", "label": "negative", "split": "test", "id": 7}
            """)
        let t = try load()
        XCTAssertEqual(t.name, "demo")
        XCTAssertEqual(t.items, [
            EvalTask.Item(prompt: "Review: great\nSentiment ({positive|negative}):", reference: "positive", line: 1),
            EvalTask.Item(prompt: "Review: awful\nSentiment ({positive|negative}):", reference: "negative", line: 4),
        ])
        XCTAssertEqual(t.labels, ["positive", "negative"])
        XCTAssertEqual(t.score("It is NEGATIVE.", item: 1), 1)
        XCTAssertEqual(t.score("It is NEGATIVE.", item: 0), 0)
    }

    func testCSVTaskWithQuotedMultiLineFieldsAndNumbers() throws {
        write("metadata.yaml", "data_path: rows.csv\nprompt_template: 'Q: {question}'\ntarget_col: answer\nmetric_name: numeric\nnumeric_scale: 10\n")
        write("rows.csv", "question,answer\n\"two\nlines, one comma\",4\nplain,5\n")
        let t = try load()
        XCTAssertEqual(t.items.map(\.prompt), ["Q: two\nlines, one comma", "Q: plain"])
        XCTAssertEqual(t.items.map(\.line), [2, 4])
        XCTAssertEqual(t.score("it is 3", item: 0), 0.9, accuracy: 1e-12)
    }

    func testLabelsFromTheMetadataOverrideTheTargets() throws {
        write("metadata.yaml", "data_path: d.jsonl\nprompt_template: '{x}'\ntarget_col: y\nmetric_name: first_label\nlabels: [yes, no, maybe]\n")
        write("d.jsonl", #"{"x": "a", "y": "yes"}"# + "\n")
        XCTAssertEqual(try load().labels, ["yes", "no", "maybe"])
    }

    func testErrorsNameTheFileLineAndWhatIsWrong() throws {
        XCTAssertEqual(error { _ = try EvalTask.load(folder: "tasks/none", base: dir) },
                       "tasks/none: task folder not found (a task is a folder holding metadata.yaml)")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml: not found")
        write("metadata.yaml", "data_path: d.jsonl\nprompt_template: '{x}'\nmetric_name: accuracy\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml: missing required key \"target_col\"")
        write("metadata.yaml", "data_path: d.jsonl\nprompt_template: '{x}'\ntarget_col: y\nmetric_name: acuracy\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml:4: unknown metric_name \"acuracy\"; known: exact_match, accuracy, "
                       + "first_label, token_f1, rouge_l, numeric_closeness (did you mean \"accuracy\"?)")
        write("metadata.yaml", "data_path: d.jsonl\nprompt_template: [a\n")
        XCTAssertTrue(error { _ = try load() }.hasPrefix("tasks/demo/metadata.yaml: not valid YAML: "), error { _ = try load() })
        write("metadata.yaml", "data_path: d.parquet\nprompt_template: '{x}'\ntarget_col: y\nmetric_name: accuracy\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/d.parquet: unsupported data layout \".parquet\": lorabench reads "
                       + "JSON Lines (.jsonl, one object per line) and CSV (.csv, with a header row)")
        write("metadata.yaml", "data_path: d.jsonl\nprompt_template: '{x} {z}'\ntarget_col: y\nmetric_name: accuracy\n")
        write("d.jsonl", #"{"x": "a", "y": "b"}"# + "\n" + "[1, 2]\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/d.jsonl:2: not a JSON object (JSON Lines needs one object per line)")
        write("d.jsonl", #"{"x": "a", "y": "b"}"# + "\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml: prompt_template names column \"z\", which tasks/demo/d.jsonl does not have (columns: x, y)")
        write("d.jsonl", #"{"x": "a", "y": "b", "z": 1}"# + "\n" + #"{"x": "a", "y": "b"}"# + "\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/d.jsonl:2: row has no \"z\" (used by prompt_template)")
        write("metadata.yaml", "data_path: d.csv\nprompt_template: '{x'\ntarget_col: y\nmetric_name: accuracy\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml: prompt_template: unclosed \"{\" at character 1")
        write("metadata.yaml", "data_path: d.csv\nprompt_template: '{x}'\ntarget_col: y\nmetric_name: accuracy\nsplit_column: s\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/metadata.yaml:5: split_column and split_column_value go together; only one is set")
        write("metadata.yaml", "data_path: d.csv\nprompt_template: '{x}'\ntarget_col: y\nmetric_name: accuracy\n")
        write("d.csv", "x,y\na,b\nc\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/d.csv:3: 1 fields where the header has 2")
        write("d.csv", "x,y\n")
        XCTAssertEqual(error { _ = try load() }, "tasks/demo/d.csv: no rows")
    }

    func testTemplateBraces() throws {
        XCTAssertEqual(try PromptTemplate("{{x}} {a}-{ b }").render(["a": "1", "b": "2"]), "{x} 1-2")
        XCTAssertEqual(try PromptTemplate("{a}{a}{b}").fields, ["a", "b"])
        XCTAssertThrowsError(try PromptTemplate("a } b"))
        XCTAssertThrowsError(try PromptTemplate("{}"))
    }

    func testPlanWalksEveryRowOncePerCycleAndInterleavesCanaries() throws {
        let items = (0..<5).map { EvalTask.Item(prompt: "p\($0)", reference: "r", line: $0 + 1) }
        let meta = TaskMetadata(dataPath: "d", promptTemplate: "{x}", targetColumn: "y", metric: .accuracy)
        let task = EvalTask(name: "t", folder: "t", metadata: meta, items: items, labels: ["r"])
        let plain = TaskPlan(bindings: [.init(task: task, adapter: "a"), .init(task: task, adapter: "b")], seed: nil, canaries: nil)
        let picks = (0..<20).map { plain.pick(sequence: $0) }
        for b in 0..<2 { XCTAssertEqual(picks.filter { $0.binding == b }.map(\.item), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]) }
        let shuffled = TaskPlan(bindings: [.init(task: task, adapter: "a"), .init(task: task, adapter: "b")], seed: 7, canaries: nil)
        for b in 0..<2 {
            let rows = (0..<20).map { shuffled.pick(sequence: $0) }.filter { $0.binding == b }.map(\.item)
            XCTAssertEqual(Set(rows.prefix(5)), Set(0..<5))
            XCTAssertEqual(Array(rows.suffix(5)), Array(rows.prefix(5)), "every pass in the same shuffled order")
        }
        XCTAssertNotEqual((0..<10).map { shuffled.pick(sequence: $0).item }, picks.map(\.item), "seed 7 shuffles")
        let c = TaskPlan(bindings: [.init(task: task, adapter: "a"), .init(task: task, adapter: "b")], seed: nil,
                         canaries: .init(prompts: 2, every: 4, requiredPrefix: nil))
        let cp = (0..<16).map { c.pick(sequence: $0) }
        XCTAssertEqual(cp.filter(\.canary).map { [$0.binding, $0.item] }, [[0, 0], [1, 0], [0, 1], [1, 1]])
        XCTAssertEqual(cp.enumerated().filter { $0.element.canary }.map(\.offset), [3, 7, 11, 15])
        XCTAssertEqual(cp.filter { !$0.canary }.count, 12)
    }
}

extension TaskMetadata {
    init(dataPath: String, promptTemplate: String, targetColumn: String, metric: QualityMetric) {
        self.init(dataPath: dataPath, promptTemplate: promptTemplate, targetColumn: targetColumn, metric: metric,
                  splitColumn: nil, splitValue: nil, labels: nil, numericScale: nil)
    }
}
