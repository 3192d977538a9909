/// Where a run's prompts come from (random words today; datasets and traces next), so `RequestFactory` only assembles requests.
/// A prompt is drawn in two steps because the factory's own draws (max_new_tokens, then the adapter) sit between its length
/// and its words in each request's seeded stream, and that order is what keeps old seeds giving the same requests;
/// a source that needs no shared draws may ignore `rng` and derive its own `SplitMix64(seed:stream:index:)`.
public protocol PromptSource: Sendable {
    /// Request `sequence`'s prompt length in words, drawn from `rng` before the factory's own draws.
    func inputWords(sequence: Int, using rng: inout SplitMix64) -> Int

    /// Request `sequence`'s prompt text of `inputWords` words, drawn from `rng` after the factory's own draws.
    func text(sequence: Int, inputWords: Int, using rng: inout SplitMix64) -> String
}
