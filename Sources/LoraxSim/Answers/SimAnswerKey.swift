/// One evaluation task the simulator answers from its key: the task folder (read as lorabench reads it) and,
/// per adapter ("" for the base model), the share of its rows answered right. Adapters not named answer the
/// task's prompts with ordinary generated words.
public struct SimAnswerKey: Codable, Sendable, Equatable {
    /// A `tasks/{name}` folder holding metadata.yaml, relative to the simulator's working directory unless absolute.
    public var task: String
    /// Adapter id → share of right answers in [0, 1].
    public var accuracy: [String: Double]

    public init(task: String, accuracy: [String: Double]) {
        self.task = task
        self.accuracy = accuracy
    }
}
