import Stats

/// Requests as a trace's lines say: its prompt (or that many words), its output length as max_new_tokens, its
/// adapter by the scenario's mapping rule, its line and session recorded. Mooncake lines' `hash_ids` become
/// blocks of words derived from each hash, so lines sharing leading hashes share leading prompt bytes.
public struct TracePrompts: PromptSource {
    public let replay: TraceReplay
    let words: [String]
    let seed: UInt64
    let adapterIds: [String]

    public init(replay: TraceReplay, scenario: Scenario) {
        self.replay = replay
        words = scenario.wordList
        seed = scenario.seed
        adapterIds = scenario.adapters.ids
    }

    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        guard let arrival = slot.arrival, let (e, offset) = replay.take(arrival: arrival) else {
            preconditionFailure("a trace workload runs only under its own arrivals (validation sets the load)")
        }
        let text: String
        let count: Int
        if let p = e.prompt {
            text = p
            count = DatasetFile.words(p)
        } else {
            (text, count) = wordsFor(e)
        }
        var p = Prompt(content: .text(text), inputWords: count, maxNewTokens: e.outputTokens,
                       origin: RequestOrigin(line: e.line, session: e.session), arrivalOffsetMicros: offset)
        switch replay.setting.adapters {
        case .column: p.adapter = e.adapter ?? ""
        case .mix: p.adapter = nil
        case .hash:
            var key = UInt64(e.line)
            if let h = e.hashIds.first { key = UInt64(bitPattern: Int64(h)) } else if let s = e.session { key = Self.fnv1a(s) }
            var rng = SplitMix64(seed: 0, stream: 6, index: key)
            p.adapter = adapterIds[Int(rng.next() % UInt64(adapterIds.count))]
        }
        return p
    }

    /// `inputTokens` words: from the line's seeded stream, or block by block from its hash ids.
    private func wordsFor(_ e: TraceEntry) -> (String, Int) {
        let n = e.inputTokens ?? 1
        guard !e.hashIds.isEmpty else {
            var rng = SplitMix64(seed: seed, stream: 4, index: UInt64(e.line))
            return (RandomWordPrompts.text(words: words, count: n, using: &rng), n)
        }
        let block = replay.setting.blockWords
        var parts: [String] = []
        var left = n
        for h in e.hashIds where left > 0 {
            let take = min(block, left)
            var rng = SplitMix64(seed: seed, stream: 5, index: UInt64(bitPattern: Int64(h)))
            parts.append(RandomWordPrompts.text(words: words, count: take, using: &rng))
            left -= take
        }
        if left > 0 {
            var rng = SplitMix64(seed: seed, stream: 4, index: UInt64(e.line))
            parts.append(RandomWordPrompts.text(words: words, count: left, using: &rng))
        }
        return (parts.joined(separator: " "), n)
    }

    /// A stable 64-bit hash of a string (FNV-1a), so a session maps to the same adapter in every run.
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
