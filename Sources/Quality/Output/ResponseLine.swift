import Foundation
import Stats

/// One line of responses.jsonl: what was asked, what came back and how it scored, so any score can be audited.
public struct ResponseLine: Encodable {
    public var sequence: Int
    public var clientRequestId: String?
    public var adapter: String
    public var servedAdapter: String?
    public var task: String?
    /// The task data file's line the row came from.
    public var line: Int?
    public var prompt: String?
    public var reference: String?
    public var response: String?
    public var score: Double?
    public var canary: Bool?
    public var canaryMatched: Bool?
    public var errorClass: String?
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case sequence, adapter, task, line, prompt, reference, response, score, canary
        case clientRequestId = "client_request_id", servedAdapter = "served_adapter", canaryMatched = "canary_matched"
        case errorClass = "error_class", errorMessage = "error_message"
    }

    /// A request of any run (no task): its text and identity only.
    public init(_ r: RequestRecord) {
        sequence = r.sequence; clientRequestId = r.clientRequestId; adapter = r.adapter; servedAdapter = r.servedAdapter
        response = r.generatedText; errorClass = r.errorClass?.rawValue; errorMessage = r.errorMessage
    }

    /// A task request, with the row it asked and its score.
    public init(_ r: RequestRecord, scored: QualityTally.Scored, plan: TaskPlan) {
        self.init(r)
        let b = plan.bindings[scored.pick.binding]
        let item = b.task.items[scored.pick.item]
        task = b.task.name; line = item.line; prompt = item.prompt; reference = item.reference
        score = scored.score
        if scored.pick.canary { canary = true; canaryMatched = scored.canaryMatched }
    }

    /// The line's JSON text (keys sorted, no newline inside).
    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let d = try? enc.encode(self) else { return "{}" }
        return String(decoding: d, as: UTF8.self)
    }
}
