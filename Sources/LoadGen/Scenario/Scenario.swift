import Stats

/// A validated scenario: plain data, every field resolved to its final value (defaults filled, env expanded).
public struct Scenario: Sendable {
    /// Which request shape and streaming format the target speaks.
    public enum API: String, Sendable, CaseIterable {
        case lorax
        case openaiCompletions = "openai-completions"
        case openaiChat = "openai-chat"
    }

    /// Where requests go: a base URL, or a simulator started in-process (configured by the JSON object).
    public enum Endpoint: Sendable {
        case url(String)
        case simulator(JSONValue)
    }

    public struct Target: Sendable {
        public var endpoint: Endpoint
        public var api: API
        /// Extra request headers, in file order.
        public var headers: [(name: String, value: String)]
        /// Header names (lowercased) whose values must never be written anywhere.
        public var secretHeaders: Set<String>
        /// Name of the environment variable holding the bearer token.
        public var authEnv: String?
        public var insecure: Bool
        public var caFile: String?

        /// Header names always treated as secret (lowercased); `secret_headers` adds to them.
        public static let defaultSecretHeaders: Set<String> = [
            "authorization", "proxy-authorization", "x-api-key", "api-key", "api_key", "apikey", "x-auth-token",
            "cookie", "set-cookie",
        ]

        /// True when a header's value must never be written: named in `secretHeaders`, or named like a credential.
        public func isSecret(header name: String) -> Bool {
            let n = name.lowercased()
            if secretHeaders.contains(n) { return true }
            return ["token", "secret", "password", "passwd", "auth", "key", "cookie", "session", "credential"].contains { n.contains($0) }
        }
    }

    /// One ramp stage (k6 semantics: move linearly from the previous target to `target` over `duration`).
    public struct Stage: Sendable, Equatable {
        public var duration: Duration
        public var target: Double
    }

    /// How load is generated: closed virtual users or open arrivals.
    public enum Load: Sendable {
        case constantVUs(vus: Int, duration: Duration)
        case rampingVUs(startVUs: Int, stages: [Stage])
        case constantArrivalRate(rate: Double, timeUnit: Duration, duration: Duration, preAllocatedVUs: Int, maxVUs: Int)
        case rampingArrivalRate(startRate: Double, timeUnit: Duration, stages: [Stage], preAllocatedVUs: Int, maxVUs: Int)

        /// Total scheduled length of the measured window.
        public var duration: Duration {
            switch self {
            case .constantVUs(_, let d), .constantArrivalRate(_, _, let d, _, _): return d
            case .rampingVUs(_, let stages), .rampingArrivalRate(_, _, let stages, _, _):
                return stages.reduce(Duration.zero) { $0 + $1.duration }
            }
        }

        /// Largest number of requests that may be in flight at once.
        public var maxInFlight: Int {
            switch self {
            case .constantVUs(let n, _): return n
            case .rampingVUs(let start, let stages): return max(start, Int(stages.map(\.target).max() ?? 0))
            case .constantArrivalRate(_, _, _, _, let m), .rampingArrivalRate(_, _, _, _, let m): return m
            }
        }

        /// k6's executor name.
        public var executorName: String {
            switch self {
            case .constantVUs: return "constant-vus"
            case .rampingVUs: return "ramping-vus"
            case .constantArrivalRate: return "constant-arrival-rate"
            case .rampingArrivalRate: return "ramping-arrival-rate"
            }
        }
    }

    /// Spacing of open-model arrivals.
    public enum Arrival: Sendable, Equatable {
        case uniform
        case poisson
        /// Gamma-distributed gaps; burstiness 1 is Poisson, below 1 burstier.
        case gamma(burstiness: Double)
    }

    /// How each request picks its adapter.
    public enum Distribution: Sendable, Equatable {
        case uniform
        case roundRobin
        case zipf(exponent: Double)
        case weights([Double])
    }

    public struct Adapters: Sendable {
        /// Adapter ids; empty means every request goes to the base model.
        public var ids: [String]
        public var distribution: Distribution
        /// Share of requests sent to the base model instead of an adapter (0...1).
        public var baseShare: Double
    }

    public struct Health: Sendable {
        public var enabled: Bool
        public var interval: Duration
        public var timeout: Duration
        public var warmup: Bool
    }

    public var name: String
    public var target: Target
    public var load: Load
    public var arrival: Arrival
    /// Open models: arrivals that find every slot busy wait in a client-side FIFO of this many (then are dropped);
    /// 0 drops at once, as k6 does. Waiting shows up in `ttft_intended` and `schedule_lag`, not in `ttft`.
    public var maxQueue: Int
    public var thinkTime: Duration
    /// Closed models: the pause after a failed request when there is no think time, so a broken route does not
    /// become a flood of instant retries; zero turns it off.
    public var failureBackoff: Duration
    /// Closed models: VUs that would all start at once start spread evenly over this interval, so the first
    /// requests are not one synchronized batch (a sweep sets it unless the scenario does); zero starts them together.
    public var vuStartSpread: Duration
    public var requestTimeout: Duration
    public var streamIdleTimeout: Duration
    public var gracefulStop: Duration
    public var inputWords: ClosedRange<Int>
    public var maxNewTokens: ClosedRange<Int>
    public var wordList: [String]
    public var wordListPath: String?
    public var adapters: Adapters
    public var health: Health
    public var seed: UInt64
    public var slo: SLO
    /// Extra generation parameters merged into each request (LoRAX `parameters`, or OpenAI body fields).
    public var parameters: [String: JSONValue]
    /// Pass/fail criteria checked after the run (exit code 99 when one fails).
    public var thresholds: [Threshold]
    /// Largest SSE event accepted before the request is failed as `protocol`.
    public var maxEventBytes: Int
    /// The scenario document as run (after `--set`), with secret values removed: stored in summary.json.
    public var resolvedDocument: JSONValue
    /// Where the server's Prometheus metrics are scraped during the window (`server_metrics`).
    public var serverMetrics = ServerMetrics()
    /// Where prompts come from (`workload`); random words when absent.
    public var workload = Workload()
    /// `responses: true`: write every generated text to responses.jsonl (task workloads always do).
    public var responses = false

    /// The run keeps generated text: for responses.jsonl and for scoring a task workload.
    public var keepsResponses: Bool {
        if responses { return true }
        if case .task = workload.source { return true }
        return false
    }
}
