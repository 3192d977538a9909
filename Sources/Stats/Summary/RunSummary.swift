import Foundation

/// summary.json: a versioned record of one run, derived from its `Aggregate` (kept inside so runs merge exactly).
public struct RunSummary: Codable, Sendable {
    public static let schema = "lorabench.summary/v1"

    public struct Run: Codable, Sendable {
        public var scenarioName: String
        public var executor: String
        public var target: String
        public var api: String
        public var lorabenchVersion: String
        public var host: String
        public var startedAt: String
        public var endedAt: String
        /// Length of the measured window (health wait and warm-up excluded), seconds.
        public var windowSeconds: Double
        public var interrupted: Bool
        /// Arrivals per second the schedule asked for (open models only).
        public var requestedRate: Double?
        /// Length of the schedule (the achieved rate of an open model is requests sent over this).
        public var scheduledSeconds: Double?
        /// Prefix of every request's `x-request-id` (`<run id>-<sequence>`; the warm-up is `<run id>-warmup`).
        public var runId: String?
        /// The unmeasured warm-up request, so a server's counters can be reconciled with the results.
        public var warmup: Warmup?
        /// The `abortOnFail` threshold that stopped the run early (k6's abort), as `metric expression`; nil otherwise.
        public var abortedByThreshold: String?
        /// `--tag key=value` labels (nil without tags).
        public var tags: [String: String]?
        /// `i/n` when this process sent segment i of n of the load (`--segment`); nil for a whole run. A merge of
        /// every segment records `n` segments in `segments`.
        public var segment: String?
        /// The segments a merged result was made from (`0/3`, `1/3`, `2/3`); nil for a single process's run.
        public var segments: [String]?
        /// The instant `--start-at` asked the window to open at (RFC 3339), when given.
        public var startAt: String?
        /// Seconds the window opened after `start_at` (0 when on time): a late segment measured part of the run
        /// without the others' load.
        public var startLateSeconds: Double?
        /// How long lorabench's event loops waited for a CPU during the window; nil where the kernel does not say.
        public var clientCPUWait: CPUWait?
        /// True when the event loops ran under real-time scheduling (`--realtime`); nil otherwise.
        public var realtimeLoop: Bool?

        public init(scenarioName: String, executor: String, target: String, api: String, lorabenchVersion: String,
                    host: String, startedAt: String, endedAt: String, windowSeconds: Double, interrupted: Bool,
                    requestedRate: Double?, scheduledSeconds: Double? = nil) {
            self.scheduledSeconds = scheduledSeconds
            self.scenarioName = scenarioName; self.executor = executor; self.target = target; self.api = api
            self.lorabenchVersion = lorabenchVersion; self.host = host; self.startedAt = startedAt; self.endedAt = endedAt
            self.windowSeconds = windowSeconds; self.interrupted = interrupted; self.requestedRate = requestedRate
        }

        enum CodingKeys: String, CodingKey {
            case executor, target, api, host, interrupted
            case scenarioName = "scenario_name", lorabenchVersion = "lorabench_version", startedAt = "started_at"
            case endedAt = "ended_at", windowSeconds = "window_seconds", requestedRate = "requested_rate"
            case abortedByThreshold = "aborted_by_threshold", tags
            case scheduledSeconds = "scheduled_seconds", runId = "run_id", warmup, segment, segments
            case startAt = "start_at", startLateSeconds = "start_late_seconds", clientCPUWait = "client_cpu_wait", realtimeLoop = "realtime_loop"
        }
    }

    /// What the warm-up request (sent before the window, never measured) did.
    public struct Warmup: Codable, Sendable, Equatable {
        public var requestId: String?
        public var status: Int
        public var errorClass: String?
        public var errorMessage: String?
        public var outputTokens: Int
        public var inputTokens: Int?

        public init(_ r: RequestRecord) {
            requestId = r.clientRequestId
            status = r.status
            errorClass = r.errorClass?.rawValue
            errorMessage = r.errorMessage
            outputTokens = r.outputTokens
            inputTokens = r.inputTokens
        }

        enum CodingKeys: String, CodingKey {
            case status
            case requestId = "request_id", errorClass = "error_class", errorMessage = "error_message"
            case outputTokens = "output_tokens", inputTokens = "input_tokens"
        }
    }

    public struct Requests: Codable, Sendable {
        public var total: Int
        public var succeeded: Int
        public var failed: Int
        public var dropped: Int
        public var interrupted: Int
        public var errorRate: Double
        public var errors: [String: Int]
        public var statusCodes: [String: Int]
        public var streamErrorTypes: [String: Int]
        /// Succeeded requests that produced no token event, so they have no TTFT (nil in summaries that predate it).
        public var succeededWithoutToken: Int?

        enum CodingKeys: String, CodingKey {
            case total, succeeded, failed, dropped, interrupted, errors
            case errorRate = "error_rate", statusCodes = "status_codes", streamErrorTypes = "stream_error_types"
            case succeededWithoutToken = "succeeded_without_token"
        }
    }

    public struct Throughput: Codable, Sendable {
        public var requestThroughput: Double
        public var outputTokenThroughput: Double
        /// Requests meeting every SLO per second; nil when the scenario sets no SLO.
        public var goodput: Double?
        public var goodputFraction: Double?
        public var achievedRate: Double

        enum CodingKeys: String, CodingKey {
            case goodput
            case requestThroughput = "request_throughput", outputTokenThroughput = "output_token_throughput"
            case goodputFraction = "goodput_fraction", achievedRate = "achieved_rate"
        }
    }

    public struct AdapterRow: Codable, Sendable {
        public var adapter: String
        public var requests: Int
        public var failed: Int
        public var outputTokens: Int
        public var ttft: MetricSummary
        public var coldTTFT: MetricSummary
        public var warmTTFT: MetricSummary
        public var tpot: MetricSummary
        public var e2e: MetricSummary

        enum CodingKeys: String, CodingKey {
            case adapter, requests, failed, ttft, tpot, e2e
            case outputTokens = "output_tokens", coldTTFT = "cold_ttft", warmTTFT = "warm_ttft"
        }
    }

    public var schema: String
    public var run: Run
    public var scenario: JSONValue
    public var slo: SLO
    public var requests: Requests
    public var throughput: Throughput
    public var outputTokens: Int
    public var outputTokensSource: String
    /// Token events of succeeded requests; fewer than `outputTokens` when the server merged tokens into one event.
    public var tokenEvents: Int?
    /// Output tokens per token event over requests the server counted; above 1 when a server falls behind. nil without server counts.
    public var outputTokensPerEvent: Double?
    /// Per-metric summaries in milliseconds, keyed by metrics.md names.
    public var metrics: [String: MetricSummary]
    public var coldTTFT: MetricSummary
    public var warmTTFT: MetricSummary
    public var adapters: [AdapterRow]
    /// Raw counts and histograms: what `merge` and `compare` work from.
    public var aggregate: Aggregate
    /// Each adapter's first touch against the repeats waiting for their first token at the same moment (nil in
    /// summaries from before it was measured, and after `merge`, which cannot pair requests across runs).
    public var firstTouch: [FirstTouchPenalty.Row]?
    /// Threshold outcomes, in scenario order; empty when the scenario sets none.
    public var thresholds: [ThresholdResult] = []
    /// The server's own view of the window from its `/metrics` (absent when it has none or scraping was off).
    public var server: ServerView?
    /// Task scores, adapter identity and canaries (absent for runs that scored nothing and saw no stated adapter).
    public var quality: QualitySummary?

    /// True unless a threshold failed.
    public var thresholdsPassed: Bool { thresholds.allSatisfy(\.passed) && run.abortedByThreshold == nil }

    enum CodingKeys: String, CodingKey {
        case schema, run, scenario, slo, requests, throughput, metrics, adapters, aggregate, thresholds
        case outputTokens = "output_tokens", outputTokensSource = "output_tokens_source"
        case tokenEvents = "token_events", outputTokensPerEvent = "output_tokens_per_event", firstTouch = "first_touch"
        case coldTTFT = "cold_ttft", warmTTFT = "warm_ttft"
        case server
        case quality
    }

    /// Derives every reported number from an aggregate and the window it covers.
    public init(run: Run, scenario: JSONValue, slo: SLO, aggregate a: Aggregate) {
        schema = Self.schema
        self.run = run
        self.scenario = scenario
        self.slo = slo
        aggregate = a
        let window = max(run.windowSeconds, 1e-9)
        let completed = a.completed
        requests = Requests(total: completed.plusSaturating(a.dropped), succeeded: a.succeeded, failed: a.failed, dropped: a.dropped,
                            interrupted: a.interrupted,
                            errorRate: completed == 0 ? 0 : Self.round6(Double(a.failed) / Double(completed)),
                            errors: Dictionary(uniqueKeysWithValues: ErrorClass.allCases.map { ($0.rawValue, a.errors[$0.rawValue] ?? 0) }),
                            statusCodes: a.statusCodes, streamErrorTypes: a.streamErrorTypes,
                            succeededWithoutToken: a.succeededWithoutToken)
        throughput = Throughput(
            requestThroughput: Self.round3(Double(a.succeeded) / window),
            outputTokenThroughput: Self.round3(Double(a.outputTokens) / window),
            goodput: slo.isEmpty ? nil : Self.round3(Double(a.metSLO) / window),
            goodputFraction: slo.isEmpty ? nil : (completed == 0 ? 0 : Self.round6(Double(a.metSLO) / Double(completed))),
            achievedRate: Self.round3(Double(completed.plusSaturating(a.interrupted)) / (run.requestedRate != nil ? max(run.scheduledSeconds ?? window, 1e-9) : window)))
        outputTokens = a.outputTokens
        outputTokensSource = a.succeeded == 0 ? "none" : (a.outputTokensFromServer == a.succeeded ? "server"
                                                         : (a.outputTokensFromServer == 0 ? "events" : "mixed"))
        tokenEvents = a.tokenEvents
        outputTokensPerEvent = a.outputTokensFromServer == a.succeeded && a.tokenEvents > 0
            ? Self.round3(Double(a.outputTokens) / Double(a.tokenEvents)) : nil
        var m: [String: MetricSummary] = [:]
        for name in MetricName.allCases { m[name.rawValue] = (a.metrics[name] ?? TrackedMetric()).summary }
        metrics = m
        coldTTFT = a.coldTTFT.summary
        warmTTFT = a.warmTTFT.summary
        adapters = a.adapters.keys.sorted().map { k in
            let s = a.adapters[k]!
            return AdapterRow(adapter: k, requests: s.requests, failed: s.failed, outputTokens: s.outputTokens,
                              ttft: s.ttft.summary, coldTTFT: s.coldTTFT.summary, warmTTFT: s.warmTTFT.summary,
                              tpot: s.tpot.summary, e2e: s.e2e.summary)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        run = try c.decode(Run.self, forKey: .run)
        scenario = try c.decode(JSONValue.self, forKey: .scenario)
        slo = try c.decode(SLO.self, forKey: .slo)
        requests = try c.decode(Requests.self, forKey: .requests)
        throughput = try c.decode(Throughput.self, forKey: .throughput)
        outputTokens = try c.decode(Int.self, forKey: .outputTokens)
        outputTokensSource = try c.decode(String.self, forKey: .outputTokensSource)
        tokenEvents = try c.decodeIfPresent(Int.self, forKey: .tokenEvents)
        firstTouch = try c.decodeIfPresent([FirstTouchPenalty.Row].self, forKey: .firstTouch)
        outputTokensPerEvent = try c.decodeIfPresent(Double.self, forKey: .outputTokensPerEvent)
        metrics = try c.decode([String: MetricSummary].self, forKey: .metrics)
        coldTTFT = try c.decode(MetricSummary.self, forKey: .coldTTFT)
        warmTTFT = try c.decode(MetricSummary.self, forKey: .warmTTFT)
        adapters = try c.decode([AdapterRow].self, forKey: .adapters)
        aggregate = try c.decode(Aggregate.self, forKey: .aggregate)
        thresholds = try c.decodeIfPresent([ThresholdResult].self, forKey: .thresholds) ?? []
        server = try c.decodeIfPresent(ServerView.self, forKey: .server)
        quality = try c.decodeIfPresent(QualitySummary.self, forKey: .quality)
    }

    /// Pretty, key-sorted JSON bytes.
    public func encoded() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try enc.encode(self)
    }

    /// Reads a summary.json, checking its schema.
    public static func read(_ data: Data, source: String) throws -> RunSummary {
        let s: RunSummary
        do { s = try JSONDecoder().decode(RunSummary.self, from: data) } catch {
            throw SummaryReadError(message: "\(source): not a lorabench summary (\(error))")
        }
        guard s.schema == schema else { throw SummaryReadError(message: "\(source): schema \"\(s.schema)\", expected \"\(schema)\"") }
        if let why = s.aggregate.implausibleCount { throw SummaryReadError(message: "\(source): \(why)") }
        return s
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func round6(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }
}

/// A summary file that cannot be used, with the reason.
public struct SummaryReadError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
