/// summary.json `quality`: how well each adapter answered its task in this run, whether the right adapter answered,
/// and what the golden canaries saw. Written by task workloads (and the identity part by any run whose server states
/// the adapter); absent otherwise. Counts are exact; a mean is nil when nothing was scored.
public struct QualitySummary: Codable, Sendable, Equatable {
    /// One adapter on one task.
    public struct Row: Codable, Sendable, Equatable {
        public var adapter: String
        public var task: String
        public var metric: String
        /// Task requests that completed in the window (canaries excluded).
        public var requests: Int
        /// Those that succeeded and were scored.
        public var scored: Int
        /// Those that failed (any error class, adapter_mismatch included): not scored, since there is no answer to score.
        public var failed: Int
        /// Sum of the scores, each in [0, 1].
        public var scoreSum: Double
        /// Scored answers with score 1.
        public var exact: Int
        /// first_label: answers in which no label was found.
        public var noLabel: Int?
        /// Responses the server said another adapter gave.
        public var adapterMismatches: Int
        /// The scenario stage (load level) these requests were scheduled in; nil for the whole run.
        public var stage: Int?
        /// Mean score over scored answers (the accuracy for accuracy-type metrics); nil when none was scored.
        public var score: Double? { scored > 0 ? scoreSum / Double(scored) : nil }

        public init(adapter: String, task: String, metric: String) {
            self.adapter = adapter; self.task = task; self.metric = metric
            requests = 0; scored = 0; failed = 0; scoreSum = 0; exact = 0; adapterMismatches = 0
        }

        enum CodingKeys: String, CodingKey {
            case adapter, task, metric, requests, scored, failed, exact, score
            case scoreSum = "score_sum", noLabel = "no_label", adapterMismatches = "adapter_mismatches", stage
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(adapter, forKey: .adapter); try c.encode(task, forKey: .task); try c.encode(metric, forKey: .metric)
            try c.encode(requests, forKey: .requests); try c.encode(scored, forKey: .scored); try c.encode(failed, forKey: .failed)
            try c.encode(scoreSum, forKey: .scoreSum); try c.encode(exact, forKey: .exact)
            try c.encodeIfPresent(noLabel, forKey: .noLabel); try c.encode(adapterMismatches, forKey: .adapterMismatches)
            try c.encode(score, forKey: .score)
            try c.encodeIfPresent(stage, forKey: .stage)
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            adapter = try c.decode(String.self, forKey: .adapter); task = try c.decode(String.self, forKey: .task)
            metric = try c.decode(String.self, forKey: .metric); requests = try c.decode(Int.self, forKey: .requests)
            scored = try c.decode(Int.self, forKey: .scored); failed = try c.decode(Int.self, forKey: .failed)
            scoreSum = try c.decode(Double.self, forKey: .scoreSum); exact = try c.decode(Int.self, forKey: .exact)
            noLabel = try c.decodeIfPresent(Int.self, forKey: .noLabel)
            adapterMismatches = try c.decode(Int.self, forKey: .adapterMismatches)
            stage = try c.decodeIfPresent(Int.self, forKey: .stage)
        }
    }

    /// Where the server stated which adapter answered, over every measured request of the run.
    public struct Identity: Codable, Sendable, Equatable {
        /// Responses whose stated adapter is the one asked for.
        public var confirmed = 0
        /// Responses that stated another adapter (error class adapter_mismatch).
        public var mismatched = 0
        /// Responses that did not say.
        public var unstated = 0
        public init() {}
    }

    /// One canary answer that changed under load.
    public struct Divergence: Codable, Sendable, Equatable {
        public var adapter: String
        public var prompt: String
        /// The answer given when the adapter was idle.
        public var baseline: String
        public var answer: String
        /// Characters the two answers share from the start.
        public var divergesAt: Int
        /// The adapter the server said answered, when it said.
        public var servedAdapter: String?
        public var requestId: String?

        public init(adapter: String, prompt: String, baseline: String, answer: String, divergesAt: Int, servedAdapter: String?, requestId: String?) {
            self.adapter = adapter; self.prompt = prompt; self.baseline = baseline; self.answer = answer
            self.divergesAt = divergesAt; self.servedAdapter = servedAdapter; self.requestId = requestId
        }

        enum CodingKeys: String, CodingKey {
            case adapter, prompt, baseline, answer
            case divergesAt = "diverges_at", servedAdapter = "served_adapter", requestId = "request_id"
        }
    }

    /// Golden canaries: fixed prompts answered once while the adapter was idle, then re-sent during the load.
    public struct Canaries: Codable, Sendable, Equatable {
        /// Canary prompts per adapter.
        public var prompts: Int
        /// Idle answers obtained (a prompt whose idle request failed has no baseline and is not compared).
        public var baselines: Int
        /// Canary requests re-sent during the load that completed.
        public var resent: Int
        /// Of those, compared with a baseline (succeeded, or failed only as adapter_mismatch).
        public var compared: Int
        /// Compared answers that kept at least `requiredPrefix` characters of the baseline (all of it when nil).
        public var matched: Int
        public var diverged: Int
        /// How many leading characters must match; nil means the whole answer.
        public var requiredPrefix: Int?
        /// The first divergences (at most 20), both texts shown.
        public var examples: [Divergence]

        public init(prompts: Int, requiredPrefix: Int?) {
            self.prompts = prompts; self.requiredPrefix = requiredPrefix
            baselines = 0; resent = 0; compared = 0; matched = 0; diverged = 0; examples = []
        }

        enum CodingKeys: String, CodingKey {
            case prompts, baselines, resent, compared, matched, diverged, examples
            case requiredPrefix = "required_prefix"
        }
    }

    public var rows: [Row]
    /// The same rows per scenario stage (each with its `stage`), when the run had more than one: quality per load level.
    public var byStage: [Row]?
    public var identity: Identity
    public var canaries: Canaries?

    public init(rows: [Row], byStage: [Row]? = nil, identity: Identity, canaries: Canaries?) {
        self.rows = rows; self.byStage = byStage; self.identity = identity; self.canaries = canaries
    }

    enum CodingKeys: String, CodingKey {
        case rows, identity, canaries
        case byStage = "by_stage"
    }
}
