/// Prompts of words drawn from the scenario's word list with a length from `workload.input` (or the `input_words`
/// bounds), so prompt size is controlled without a dataset.
public struct RandomWordPrompts: PromptSource {
    public let words: [String]
    public let lengths: LengthDistribution

    /// Draws from `words` (non-empty) with lengths from `lengths`.
    public init(words: [String], lengths: LengthDistribution) {
        self.words = words
        self.lengths = lengths
    }

    /// Draws from `words` (non-empty) with lengths uniform in `lengths`.
    public init(words: [String], lengths: ClosedRange<Int>) {
        self.init(words: words, lengths: .uniform(lengths))
    }

    /// The scenario's `word_list` (or the built-in one) and `workload.input` or `input_words`.
    public init(scenario: Scenario) {
        self.init(words: scenario.wordList, lengths: scenario.promptLengths)
    }

    /// Length, then the scenario's max_new_tokens and adapter, then the words: the order old seeds depend on.
    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        let n = lengths.sample(using: &draws.rng)
        let maxNew = draws.maxNewTokens()
        let adapter = draws.adapter()
        var p = Prompt.text(Self.text(words: words, count: n, using: &draws.rng), words: n)
        p.maxNewTokens = maxNew
        p.adapter = adapter
        return p
    }

    /// `count` words of `words` joined by spaces, drawn from `rng`.
    public static func text(words: [String], count: Int, using rng: inout SplitMix64) -> String {
        var prompt = ""
        prompt.reserveCapacity(count * 7)
        for i in 0..<count {
            if i > 0 { prompt += " " }
            prompt += words[Int(rng.next() % UInt64(words.count))]
        }
        return prompt
    }
}

extension Scenario {
    /// Prompt lengths in words for sources that make their own words: `workload.input`, else uniform `input_words`.
    public var promptLengths: LengthDistribution { workload.input ?? .uniform(inputWords) }
    /// max_new_tokens for requests whose source leaves it open: `workload.output`, else uniform `max_new_tokens`.
    public var answerLengths: LengthDistribution { workload.output ?? .uniform(maxNewTokens) }
}
