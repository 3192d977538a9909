import Stats

/// One usable row of a dataset: what the request sends and what the row decided for it.
public struct DatasetRow: Sendable, Equatable {
    public var content: PromptContent
    public var words: Int
    public var adapter: String?
    public var maxNewTokens: Int?
    public var answer: String?
    /// 1-based line (JSONL, CSV) or entry (ShareGPT) in the file, recorded as trace_line.
    public var line: Int

    public init(content: PromptContent, words: Int, adapter: String? = nil, maxNewTokens: Int? = nil, answer: String? = nil, line: Int) {
        self.content = content; self.words = words; self.adapter = adapter; self.maxNewTokens = maxNewTokens
        self.answer = answer; self.line = line
    }
}

/// Prompts taken from a dataset's rows: in file order, or seeded with or without replacement. Which row request n
/// gets depends only on the seed and n, so the same seed replays the same rows whatever order requests finish in.
public struct DatasetPrompts: PromptSource {
    public enum Sampling: String, Sendable, CaseIterable {
        /// Every row once, in a seeded order, before any row repeats (then the same order again).
        case withoutReplacement = "without_replacement"
        /// Each request an independent seeded pick.
        case withReplacement = "with_replacement"
        /// Rows in file order, cycling.
        case inOrder = "in_order"
    }

    public let rows: [DatasetRow]
    public let sampling: Sampling
    private let order: [Int]
    private let seed: UInt64

    public init(rows: [DatasetRow], sampling: Sampling, seed: UInt64) {
        precondition(!rows.isEmpty, "validation refuses a dataset without rows")
        self.rows = rows
        self.sampling = sampling
        self.seed = seed
        var perm = Array(rows.indices)
        if sampling == .withoutReplacement {
            var rng = SplitMix64(seed: seed, stream: 3, index: 0)
            perm.shuffle(using: &rng)
        }
        order = perm
    }

    /// The row for request `sequence`.
    public func row(sequence: Int) -> DatasetRow {
        switch sampling {
        case .withReplacement:
            var rng = SplitMix64(seed: seed, stream: 3, index: UInt64(sequence) &+ 1)
            return rows[Int(rng.next() % UInt64(rows.count))]
        case .withoutReplacement, .inOrder:
            return rows[order[sequence % rows.count]]
        }
    }

    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        let r = row(sequence: slot.sequence)
        return Prompt(content: r.content, inputWords: r.words, adapter: r.adapter, maxNewTokens: r.maxNewTokens,
                      expectedAnswer: r.answer, origin: RequestOrigin(line: r.line))
    }
}
