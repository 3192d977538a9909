import Foundation
import Stats

/// Prompts that start with one of `groups` fixed prefixes of `prefixWords` words, then a suffix unique to the
/// request, so a server's prefix cache has something to hit. `shared`: a group's prefix goes to whatever adapter
/// the scenario's mix picks; `per_adapter`: each group belongs to one adapter (group g to adapter g mod count),
/// which is the shape a cache keyed by adapter (vLLM, LoRAX) can serve.
public final class SharedPrefixPrompts: PromptSource, @unchecked Sendable {  // @unchecked: `sent` is guarded by `lock`.
    public enum Scope: String, Sendable, CaseIterable {
        case shared
        case perAdapter = "per_adapter"
    }

    let prefixes: [String]
    let prefixWords: Int
    let scope: Scope
    let words: [String]
    let suffixLengths: LengthDistribution
    let seed: UInt64
    private let lock = NSLock()
    /// (adapter, group) pairs already sent, for `prefix_first`; at most groups × adapters entries.
    private var sent: Set<String> = []

    public init(groups: Int, prefixWords: Int, scope: Scope, scenario: Scenario) {
        self.prefixWords = prefixWords
        self.scope = scope
        words = scenario.wordList
        suffixLengths = scenario.promptLengths
        seed = scenario.seed
        prefixes = (0..<groups).map { g in
            var rng = SplitMix64(seed: scenario.seed, stream: 7, index: UInt64(g))
            return RandomWordPrompts.text(words: scenario.wordList, count: prefixWords, using: &rng)
        }
    }

    /// Group `g`'s prefix text.
    public func prefix(_ g: Int) -> String { prefixes[g] }

    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        let group = Int(draws.rng.next() % UInt64(prefixes.count))
        let n = suffixLengths.sample(using: &draws.rng)
        let suffix = RandomWordPrompts.text(words: words, count: n, using: &draws.rng)
        let adapter: String
        switch scope {
        case .shared: adapter = draws.adapter()
        case .perAdapter:
            let ids = draws.adapterIds
            adapter = ids.isEmpty ? "" : ids[group % ids.count]
        }
        let first = lock.withLock { sent.insert(adapter + "\u{0}" + String(group)).inserted }
        return Prompt(content: .text(prefixes[group] + " " + suffix), inputWords: prefixWords + n, adapter: adapter,
                      origin: RequestOrigin(prefixGroup: group, prefixFirst: first))
    }
}
