import Foundation
import Quality
import Stats

/// A `task`/`tasks` workload: LoRA Land evaluation tasks read at validation, each bound to its adapter, walked by a
/// seeded `TaskPlan`, with optional golden canaries. Plain data once read.
public struct TaskWorkload: Sendable {
    public var plan: TaskPlan
    /// max_new_tokens for every task request; nil lets the scenario's `max_new_tokens` draw it.
    public var maxNewTokens: Int?
}

/// Reads `workload: {"task": "tasks/x", "adapter": "org/a"}` or `{"tasks": [{"task": …, "adapter": …}, …]}`, with
/// `canaries: {"prompts": 3, "every": 20, "match_prefix": 40}` and `max_new_tokens`. Task folders are read here,
/// so `validate` refuses a bad one with its file and line.
enum TaskWorkloadSetting {
    static let keys = ["task", "adapter", "tasks", "canaries", "max_new_tokens", "shuffle_seed"]

    static func parse(_ o: [String: JSONValue], _ r: inout ScenarioReader) -> TaskWorkload? {
        _ = r.object(.object(o), "workload", allowed: keys)
        var bindings: [TaskPlan.Binding] = []
        if o["task"] != nil && o["tasks"] != nil {
            r.fail("workload", "give either \"task\" (with \"adapter\") or \"tasks\" (a list), not both")
            return nil
        }
        if let list = o["tasks"] {
            guard case .array(let entries) = list, !entries.isEmpty else {
                r.fail("workload.tasks", "expected a non-empty list of {\"task\": …, \"adapter\": …}, got \(list.typeName) \(list.brief)")
                return nil
            }
            for (i, e) in entries.enumerated() {
                let path = "workload.tasks[\(i)]"
                guard let eo = r.object(e, path, allowed: ["task", "adapter"]) else { continue }
                if let b = binding(eo, path, &r) { bindings.append(b) }
            }
        } else if let b = binding(o, "workload", &r) {
            bindings.append(b)
        }
        var canaries: TaskPlan.Canaries?
        if let c = o["canaries"], c != .null, let co = r.object(c, "workload.canaries", allowed: ["prompts", "every", "match_prefix"]) {
            let prompts = r.int(co, "prompts", "workload.canaries", range: 1...100) ?? 3
            let every = r.int(co, "every", "workload.canaries", range: 2...1_000_000) ?? 20
            var prefix: Int?
            if let v = co["match_prefix"], v != .null {
                if case .string("all") = v { prefix = nil } else { prefix = r.int(co, "match_prefix", "workload.canaries", range: 0...1_000_000) }
            }
            canaries = TaskPlan.Canaries(prompts: prompts, every: every, requiredPrefix: prefix)
        }
        let maxNew = r.int(o, "max_new_tokens", "workload", range: 1...1_000_000)
        let seed = r.number(o, "shuffle_seed", "workload", range: 0...9_007_199_254_740_991, integer: true).map { UInt64($0) }
        guard !bindings.isEmpty else { return nil }
        return TaskWorkload(plan: TaskPlan(bindings: bindings, seed: seed, canaries: canaries), maxNewTokens: maxNew)
    }

    private static func binding(_ o: [String: JSONValue], _ path: String, _ r: inout ScenarioReader) -> TaskPlan.Binding? {
        guard let folder = r.string(o, "task", path) else {
            if o["task"] == nil { r.fail(ScenarioReader.join(path, "task"), "required: a task folder holding metadata.yaml") }
            return nil
        }
        let adapter = r.string(o, "adapter", path) ?? ""
        if o["adapter"] == nil {
            r.fail(ScenarioReader.join(path, "adapter"), "required: the adapter that answers this task (\"\" for the base model)")
            return nil
        }
        do {
            return TaskPlan.Binding(task: try EvalTask.load(folder: folder), adapter: adapter)
        } catch {
            r.fail(ScenarioReader.join(path, "task"), "\(error)")
            return nil
        }
    }
}
