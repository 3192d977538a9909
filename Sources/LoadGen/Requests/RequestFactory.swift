import Foundation
import Stats

/// One request ready to send: where, what bytes, and what it asks for.
public struct PreparedRequest: Sendable {
    public var url: String
    public var body: [UInt8]
    /// Adapter id; empty for the base model.
    public var adapter: String
    public var inputWords: Int
    public var maxNewTokens: Int
    /// Sent as `x-request-id` (`<run id>-<sequence>`) so the server's logs can be joined with requests.csv.
    public var clientRequestId: String?
    /// The answer the prompt's source expects (datasets with an answer column, tasks); never sent.
    public var expectedAnswer: String?
    /// Where the prompt came from (trace line, session, turn, prefix group), for requests.csv.
    public var origin = RequestOrigin()
    /// The trace's own offset for this arrival (trace replay), for requests.csv.
    public var arrivalOffsetMicros: UInt64?
}

/// Builds request `n` of a run from the scenario and the seed alone, so the same seed gives the same requests
/// whatever order they complete in: a `PromptSource` gives the prompt (and whatever else it decides), the factory
/// draws max_new_tokens and the adapter the source left to the scenario, and the API's dialect shapes the body.
public struct RequestFactory: Sendable {
    public let scenario: Scenario
    public let baseURL: String
    /// Where prompts come from.
    public let prompts: any PromptSource
    /// The API's request shape, chosen once.
    let dialect: any APIDialect
    /// The URL every request streams from, joined once (joining it per request cost ~10 k instructions).
    private let url: String
    private let adapters: AdapterPicker

    /// Prompts from the scenario's `workload` (random words when it has none).
    public init(scenario: Scenario, baseURL: String) throws {
        self.init(scenario: scenario, baseURL: baseURL, prompts: try WorkloadSources.make(scenario))
    }

    /// Prompts from `prompts`, for sources the scenario does not describe on its own.
    public init(scenario: Scenario, baseURL: String, prompts: any PromptSource) {
        self.scenario = scenario
        self.baseURL = baseURL
        self.prompts = prompts
        dialect = scenario.target.api.dialect
        url = TargetURL.join(baseURL, dialect.path)
        adapters = AdapterPicker(scenario.adapters, drift: scenario.workload.adapterDrift)
    }

    /// Request number `sequence` of the run, for a source that needs nothing but the sequence.
    public func make(sequence: Int) -> PreparedRequest { make(slot: RequestSlot(sequence: sequence)) }

    /// The request for `slot`: the source's prompt, the scenario's draws for what it left open.
    public func make(slot: RequestSlot) -> PreparedRequest {
        var draws = RequestDraws(seed: scenario.seed, sequence: slot.sequence, elapsedMicros: slot.elapsedMicros,
                                 maxNew: scenario.answerLengths, adapters: adapters)
        var p = prompts.prompt(for: slot, draws: &draws)
        let maxNew = p.maxNewTokens ?? draws.maxNewTokens()
        let adapter = p.adapter ?? draws.adapter()
        p.maxNewTokens = maxNew
        p.adapter = adapter
        return make(prompt: p)
    }

    /// A request with explicit contents (the warm-up uses this).
    public func make(prompt: String, adapter: String, maxNewTokens: Int, inputWords: Int) -> PreparedRequest {
        make(prompt: Prompt(content: .text(prompt), inputWords: inputWords, adapter: adapter, maxNewTokens: maxNewTokens))
    }

    /// A request for a fully decided prompt (nil adapter: the base model; nil max_new_tokens: the scenario's lower bound).
    public func make(prompt p: Prompt) -> PreparedRequest {
        let adapter = p.adapter ?? ""
        let maxNew = p.maxNewTokens ?? scenario.maxNewTokens.lowerBound
        let body = dialect.body(content: p.content, adapter: adapter, maxNewTokens: maxNew, parameters: scenario.parameters)
        return PreparedRequest(url: url, body: JSONWriter.bytes(body),
                               adapter: adapter, inputWords: p.inputWords, maxNewTokens: maxNew,
                               expectedAnswer: p.expectedAnswer, origin: p.origin, arrivalOffsetMicros: p.arrivalOffsetMicros)
    }
}
