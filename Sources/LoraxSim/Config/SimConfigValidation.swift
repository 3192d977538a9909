extension SimConfig {
    /// The semantic checks (ranges, finite numbers) of decoded settings, each problem with its path;
    /// empty when the config is usable. `decode(from:)` and `LoraxSimServer.start` run it.
    public func validate() -> [SimConfigIssue] {
        var issues: [SimConfigIssue] = []
        func check(_ ok: Bool, _ key: CodingKeys, _ message: String) {
            if !ok { issues.append(SimConfigIssue(path: key.stringValue, message: message)) }
        }
        for (v, k) in [(maxConcurrentRequests, CodingKeys.maxConcurrentRequests), (maxInputLength, .maxInputLength),
                       (maxTotalTokens, .maxTotalTokens), (maxBatchSize, .maxBatchSize), (maxBatchTotalTokens, .maxBatchTotalTokens),
                       (maxActiveAdapters, .maxActiveAdapters), (maxBodyBytes, .maxBodyBytes),
                       (unsetMaxNewTokensCap, .unsetMaxNewTokensCap), (replicas, .replicas)] {
            check(v >= 1, k, "must be >= 1")
        }
        check(tokensPerWord > 0 && tokensPerWord.isFinite, .tokensPerWord, "must be > 0")
        for (v, k) in [(prefillBaseMs, CodingKeys.prefillBaseMs), (prefillPerTokenMs, .prefillPerTokenMs), (decodeBaseMs, .decodeBaseMs),
                       (decodePerSequenceMs, .decodePerSequenceMs), (decodePerAdapterMs, .decodePerAdapterMs),
                       (adapterLoadMs, .adapterLoadMs), (adapterCycleTimeMs, .adapterCycleTimeMs)] {
            check(v >= 0 && v.isFinite, k, "must be a finite number >= 0")
        }
        check(keepAliveSeconds > 0 && keepAliveSeconds.isFinite, .keepAliveSeconds, "must be > 0")
        check((0...100_000).contains(timerLeadMicros), .timerLeadMicros, "must be in [0, 100000]")
        check((0...10_000_000).contains(prefixCacheBlocks), .prefixCacheBlocks, "must be in [0, 10000000]")
        check((1...100_000).contains(prefixBlockWords), .prefixBlockWords, "must be in [1, 100000]")
        check(stepJitter >= 0 && stepJitter < 1, .stepJitter, "must be in [0, 1)")
        check(eosProbability >= 0 && eosProbability <= 1, .eosProbability, "must be in [0, 1]")
        for (k, key) in (answerKeys ?? []).enumerated() {
            for (adapter, a) in key.accuracy.sorted(by: { $0.key < $1.key }) where !(a >= 0 && a <= 1) {
                issues.append(SimConfigIssue(path: "answer_keys[\(k)].accuracy.\(adapter.isEmpty ? "\"\"" : adapter)", message: "must be in [0, 1]"))
            }
        }
        if answerKeys != nil {
            do { _ = try AnswerBook(keys: answerKeys!) } catch { issues.append(SimConfigIssue(path: error.path, message: error.message)) }
        }
        issues += faults.validate().map { SimConfigIssue(path: CodingKeys.faults.stringValue + "." + $0.path, message: $0.message) }
        return issues
    }
}

extension SimFaults {
    /// Range checks of every rule and the stall length; paths are relative to the `faults` object (`stall_rate`).
    public func validate() -> [SimConfigIssue] {
        var issues: [SimConfigIssue] = []
        for r in rules {
            if !(r.rate >= 0 && r.rate <= 1) { issues.append(SimConfigIssue(path: r.rateKey, message: "must be in [0, 1]")) }
            if r.every < 0 { issues.append(SimConfigIssue(path: r.everyKey, message: "must be >= 0")) }
        }
        if !(stallMs >= 0 && stallMs.isFinite) { issues.append(SimConfigIssue(path: SimFaults.stallMsKey, message: "must be >= 0")) }
        return issues
    }
}
