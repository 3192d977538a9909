/// The metric names every report, CSV column and JSON key uses (definitions in metrics.md).
public enum MetricName: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case ttft, ttftVisible = "ttft_visible", ttftIntended = "ttft_intended", tpot, itl, e2e, e2eIntended = "e2e_intended"
    case scheduleLag = "schedule_lag"
}

/// Per-adapter counts and latencies.
public struct AdapterAggregate: Codable, Sendable, Equatable {
    public var requests = 0
    public var failed = 0
    public var outputTokens = 0
    public var ttft = TrackedMetric()
    public var coldTTFT = TrackedMetric()
    public var warmTTFT = TrackedMetric()
    public var tpot = TrackedMetric()
    public var e2e = TrackedMetric()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case requests, failed, ttft, tpot, e2e
        case outputTokens = "output_tokens", coldTTFT = "cold_ttft", warmTTFT = "warm_ttft"
    }

    public mutating func merge(_ o: AdapterAggregate) {
        requests.addSaturating(o.requests); failed.addSaturating(o.failed); outputTokens.addSaturating(o.outputTokens)
        ttft.merge(o.ttft); coldTTFT.merge(o.coldTTFT); warmTTFT.merge(o.warmTTFT); tpot.merge(o.tpot); e2e.merge(o.e2e)
    }
}

/// Everything a run's records fold into: O(1) per record, mergeable exactly across runs.
public struct Aggregate: Codable, Sendable, Equatable {
    public var succeeded = 0
    public var failed = 0
    public var dropped = 0
    /// Requests cut off when the run stopped; not counted as succeeded or failed.
    public var interrupted = 0
    public var errors: [String: Int] = [:]
    public var statusCodes: [String: Int] = [:]
    public var streamErrorTypes: [String: Int] = [:]
    public var outputTokens = 0
    public var inputTokens = 0
    public var outputTokensFromServer = 0
    public var metSLO = 0
    /// Requests that succeeded without a single token event (no TTFT, no TPOT): counted, not hidden.
    public var succeededWithoutToken = 0
    /// Token events seen across succeeded requests; beside `outputTokens` it shows tokens merged into one event.
    public var tokenEvents = 0
    /// Requests whose server token count could not be right, so their token events were counted instead.
    public var implausibleServerCounts = 0
    public var metrics: [MetricName: TrackedMetric] = [:]
    public var coldTTFT = TrackedMetric()
    public var warmTTFT = TrackedMetric()
    public var adapters: [String: AdapterAggregate] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case succeeded, failed, dropped, interrupted, errors, metrics, adapters
        case statusCodes = "status_codes", streamErrorTypes = "stream_error_types", outputTokens = "output_tokens"
        case inputTokens = "input_tokens", outputTokensFromServer = "output_tokens_from_server", metSLO = "met_slo"
        case coldTTFT = "cold_ttft", warmTTFT = "warm_ttft"
        case succeededWithoutToken = "succeeded_without_token", tokenEvents = "token_events"
        case implausibleServerCounts = "implausible_server_counts"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        succeeded = try c.decode(Int.self, forKey: .succeeded)
        failed = try c.decode(Int.self, forKey: .failed)
        dropped = try c.decode(Int.self, forKey: .dropped)
        interrupted = try c.decodeIfPresent(Int.self, forKey: .interrupted) ?? 0
        errors = try c.decodeIfPresent([String: Int].self, forKey: .errors) ?? [:]
        statusCodes = try c.decodeIfPresent([String: Int].self, forKey: .statusCodes) ?? [:]
        streamErrorTypes = try c.decodeIfPresent([String: Int].self, forKey: .streamErrorTypes) ?? [:]
        outputTokens = try c.decode(Int.self, forKey: .outputTokens)
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        outputTokensFromServer = try c.decodeIfPresent(Int.self, forKey: .outputTokensFromServer) ?? 0
        metSLO = try c.decodeIfPresent(Int.self, forKey: .metSLO) ?? 0
        // Absent from summaries written before these counts existed.
        succeededWithoutToken = try c.decodeIfPresent(Int.self, forKey: .succeededWithoutToken) ?? 0
        tokenEvents = try c.decodeIfPresent(Int.self, forKey: .tokenEvents) ?? 0
        implausibleServerCounts = try c.decodeIfPresent(Int.self, forKey: .implausibleServerCounts) ?? 0
        metrics = try c.decodeIfPresent([MetricName: TrackedMetric].self, forKey: .metrics) ?? [:]
        coldTTFT = try c.decodeIfPresent(TrackedMetric.self, forKey: .coldTTFT) ?? TrackedMetric()
        warmTTFT = try c.decodeIfPresent(TrackedMetric.self, forKey: .warmTTFT) ?? TrackedMetric()
        adapters = try c.decodeIfPresent([String: AdapterAggregate].self, forKey: .adapters) ?? [:]
    }

    public var completed: Int { succeeded.plusSaturating(failed) }

    /// Folds one measured request in.
    public mutating func add(_ r: RequestRecord, slo: SLO) {
        if r.status != 0 { statusCodes[String(r.status), default: 0] += 1 }
        // Taken out of the dictionary while mutated, so its histograms are not copied on write.
        var a = adapters.removeValue(forKey: r.adapter) ?? AdapterAggregate()
        a.requests += 1
        defer { adapters[r.adapter] = a }
        if let cls = r.errorClass {
            failed += 1
            a.failed += 1
            errors[cls.rawValue, default: 0] += 1
            if cls == .stream, let t = r.errorType { streamErrorTypes[t, default: 0] += 1 }
            return
        }
        succeeded += 1
        tokenEvents.addSaturating(r.tokenEvents)
        if r.firstTokenMicros == nil { succeededWithoutToken += 1 }
        outputTokens.addSaturating(r.outputTokens)  // server counts: absurd values must not trap
        a.outputTokens.addSaturating(r.outputTokens)
        if r.outputTokensSource == .server { outputTokensFromServer += 1 }
        inputTokens.addSaturating(r.inputTokens ?? 0)
        if !slo.isEmpty && slo.isMet(by: r) { metSLO += 1 }
        record(.e2e, r.e2eMicros)
        record(.e2eIntended, r.e2eIntendedMicros)
        record(.scheduleLag, r.scheduleLagMicros)
        a.e2e.record(r.e2eMicros)
        if let t = r.ttftMicros {
            record(.ttft, t)
            a.ttft.record(t)
            if r.cold { coldTTFT.record(t); a.coldTTFT.record(t) } else { warmTTFT.record(t); a.warmTTFT.record(t) }
        }
        if let t = r.ttftVisibleMicros { record(.ttftVisible, t) }
        if let t = r.ttftIntendedMicros { record(.ttftIntended, t) }
        if let t = r.tpotMicros { record(.tpot, t); a.tpot.record(t) }
        if !r.tokenGapsMicros.isEmpty {
            var itl = metrics.removeValue(forKey: .itl) ?? TrackedMetric()
            for g in r.tokenGapsMicros { itl.record(g) }
            for (g, n) in r.foldedGapsMicros { itl.record(g, count: n) }
            metrics[.itl] = itl
        }
        if r.implausibleServerTokens != nil { implausibleServerCounts += 1 }
    }

    private mutating func record(_ name: MetricName, _ v: UInt64) {
        metrics[name, default: TrackedMetric()].record(v)
    }

    /// Adds another run's aggregate (exact: histograms share one layout).
    public mutating func merge(_ o: Aggregate) {
        // Saturating: the other side was read from a file (counts are bounded on reading, tokens are not).
        succeeded.addSaturating(o.succeeded); failed.addSaturating(o.failed); dropped.addSaturating(o.dropped)
        interrupted.addSaturating(o.interrupted); outputTokens.addSaturating(o.outputTokens)
        inputTokens.addSaturating(o.inputTokens); metSLO.addSaturating(o.metSLO)
        outputTokensFromServer.addSaturating(o.outputTokensFromServer)
        succeededWithoutToken.addSaturating(o.succeededWithoutToken); tokenEvents.addSaturating(o.tokenEvents)
        implausibleServerCounts.addSaturating(o.implausibleServerCounts)
        errors.merge(o.errors, uniquingKeysWith: Int.saturatingSum)
        statusCodes.merge(o.statusCodes, uniquingKeysWith: Int.saturatingSum)
        streamErrorTypes.merge(o.streamErrorTypes, uniquingKeysWith: Int.saturatingSum)
        for (k, v) in o.metrics { metrics[k, default: TrackedMetric()].merge(v) }
        coldTTFT.merge(o.coldTTFT); warmTTFT.merge(o.warmTTFT)
        for (k, v) in o.adapters { adapters[k, default: AdapterAggregate()].merge(v) }
    }
}
