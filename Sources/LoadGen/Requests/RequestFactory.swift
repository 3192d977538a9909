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
}

/// Builds request `n` of a run from the scenario and the seed alone, so the same seed gives the same requests
/// whatever order they complete in: a `PromptSource` gives the prompt, the factory adds max_new_tokens and the adapter,
/// and the API's dialect shapes the body.
public struct RequestFactory: Sendable {
    public let scenario: Scenario
    public let baseURL: String
    /// Where prompts come from; the factory adds only max_new_tokens and the adapter.
    public let prompts: any PromptSource
    /// The API's request shape, chosen once.
    let dialect: any APIDialect
    private let zipfCDF: [Double]

    /// Prompts of random words from the scenario's word list.
    public init(scenario: Scenario, baseURL: String) {
        self.init(scenario: scenario, baseURL: baseURL, prompts: RandomWordPrompts(scenario: scenario))
    }

    /// Prompts from `prompts`, for sources the scenario does not describe on its own.
    public init(scenario: Scenario, baseURL: String, prompts: any PromptSource) {
        self.scenario = scenario
        self.baseURL = baseURL
        self.prompts = prompts
        dialect = scenario.target.api.dialect
        let ids = scenario.adapters.ids
        switch scenario.adapters.distribution {
        case .zipf(let s): zipfCDF = Self.cdf(ids.indices.map { 1 / pow(Double($0 + 1), s) })
        case .weights(let w): zipfCDF = Self.cdf(w)
        default: zipfCDF = []
        }
    }

    static func cdf(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var acc = 0.0
        return weights.map { acc += $0 / total; return acc }
    }

    /// Request number `sequence` of the run; the draw order (prompt length, max_new_tokens, adapter, prompt words) is fixed.
    public func make(sequence: Int) -> PreparedRequest {
        var rng = SplitMix64(seed: scenario.seed, stream: 1, index: UInt64(sequence))
        let words = prompts.inputWords(sequence: sequence, using: &rng)
        let maxNew = Int.random(in: scenario.maxNewTokens, using: &rng)
        let adapter = pickAdapter(sequence: sequence, rng: &rng)
        let prompt = prompts.text(sequence: sequence, inputWords: words, using: &rng)
        return make(prompt: prompt, adapter: adapter, maxNewTokens: maxNew, inputWords: words)
    }

    /// A request with explicit contents (the warm-up uses this).
    public func make(prompt: String, adapter: String, maxNewTokens: Int, inputWords: Int) -> PreparedRequest {
        let body = dialect.body(prompt: prompt, adapter: adapter, maxNewTokens: maxNewTokens, parameters: scenario.parameters)
        return PreparedRequest(url: TargetURL.join(baseURL, dialect.path), body: Array(body.encodedString().utf8),
                               adapter: adapter, inputWords: inputWords, maxNewTokens: maxNewTokens)
    }

    private func pickAdapter(sequence: Int, rng: inout SplitMix64) -> String {
        let a = scenario.adapters
        guard !a.ids.isEmpty else { return "" }
        if a.baseShare > 0, rng.nextUnit() < a.baseShare { return "" }
        switch a.distribution {
        case .uniform: return a.ids[Int(rng.next() % UInt64(a.ids.count))]
        case .roundRobin: return a.ids[sequence % a.ids.count]
        case .zipf, .weights:
            let u = rng.nextUnit()
            var lo = 0, hi = zipfCDF.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if zipfCDF[mid] < u { lo = mid + 1 } else { hi = mid } }
            return a.ids[lo]
        }
    }
}
