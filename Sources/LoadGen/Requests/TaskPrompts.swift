import Quality

/// Prompts of a task workload: request n asks the row its `TaskPlan` picks, of the task bound to an adapter, with the
/// row's expected answer attached (never sent). Immutable, so `Sendable`.
public struct TaskPrompts: PromptSource {
    public let workload: TaskWorkload

    public init(_ workload: TaskWorkload) { self.workload = workload }

    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        prompt(workload.plan.pick(sequence: slot.sequence))
    }

    /// The request for one pick (the canaries' idle answers use it too).
    public func prompt(_ pick: TaskPlan.Pick) -> Prompt {
        let b = workload.plan.bindings[pick.binding]
        let item = b.task.items[pick.item]
        return Prompt(content: .text(item.prompt), inputWords: item.prompt.split(whereSeparator: { $0.isWhitespace }).count,
                      adapter: b.adapter, maxNewTokens: workload.maxNewTokens, expectedAnswer: item.reference)
    }
}
