/// Prompts of words drawn from the scenario's word list with a length in its `input_words` bounds, so prompt size is
/// controlled without a dataset.
public struct RandomWordPrompts: PromptSource {
    public let words: [String]
    public let lengths: ClosedRange<Int>

    /// Draws from `words` (non-empty) with lengths in `lengths`.
    public init(words: [String], lengths: ClosedRange<Int>) {
        self.words = words
        self.lengths = lengths
    }

    /// The scenario's `word_list` (or the built-in one) and `input_words`.
    public init(scenario: Scenario) {
        self.init(words: scenario.wordList, lengths: scenario.inputWords)
    }

    public func inputWords(sequence: Int, using rng: inout SplitMix64) -> Int {
        Int.random(in: lengths, using: &rng)
    }

    public func text(sequence: Int, inputWords: Int, using rng: inout SplitMix64) -> String {
        var prompt = ""
        prompt.reserveCapacity(inputWords * 7)
        for i in 0..<inputWords {
            if i > 0 { prompt += " " }
            prompt += words[Int(rng.next() % UInt64(words.count))]
        }
        return prompt
    }
}
