/// One replica's running batch: its sequences, the KV budget they reserve and how many distinct
/// non-base adapters they use (the per-adapter decode cost).
///
/// Threading: a plain value inside `Engine`, engine-loop confined.
struct RunningBatch {
    /// Sequences in the batch; finished ones stay until `removeFinished()`.
    private(set) var requests: [SimRequest] = []
    /// Sequences still running.
    private(set) var count = 0
    /// Σ(input + max_new_tokens) of the running sequences.
    private(set) var reservedTokens = 0
    /// Distinct non-base adapters among the running sequences.
    private(set) var distinctAdapters = 0

    /// Whether `r` may join now: a free slot, and its reservation fits the budget (an empty batch takes anything).
    func fits(_ r: SimRequest, config: SimConfig) -> Bool {
        count < config.maxBatchSize && (reservedTokens + r.reserve <= config.maxBatchTotalTokens || count == 0)
    }

    /// Adds `r` with its reservation and adapter.
    mutating func join(_ r: SimRequest) {
        if !r.adapter.isBase {
            if r.adapter.inBatch == 0 { distinctAdapters += 1 }
        }
        r.adapter.inBatch += 1
        reservedTokens += r.reserve
        count += 1
        requests.append(r)
    }

    /// Releases the slot, reservation and adapter use of a running `r` (it stays in `requests` until `removeFinished()`).
    mutating func leave(_ r: SimRequest) {
        r.adapter.inBatch -= 1
        if !r.adapter.isBase && r.adapter.inBatch == 0 { distinctAdapters -= 1 }
        reservedTokens -= r.reserve
        count -= 1
    }

    /// Drops finished sequences from `requests`.
    mutating func removeFinished() { requests.removeAll(where: { $0.state == .done }) }
}
