import Stats

/// Multi-turn conversations: each virtual user holds one conversation of `turns` turns at a time, and each turn
/// sends the conversation so far (earlier user turns and replies) plus a new user message. Replies in the history
/// are stand-ins of the length the turn asked for, not the server's text (lorabench does not keep response text),
/// so the history grows as it would and stays the same bytes for the same seed. One adapter per session or per turn.
public struct SessionPrompts: PromptSource {
    public enum AdapterScope: String, Sendable, CaseIterable {
        case perSession = "per_session"
        case perTurn = "per_turn"
    }

    let turns: Int
    let adapterScope: AdapterScope
    let words: [String]
    let userLengths: LengthDistribution
    let seed: UInt64

    public init(turns: Int, adapterScope: AdapterScope, scenario: Scenario) {
        self.turns = turns
        self.adapterScope = adapterScope
        words = scenario.wordList
        userLengths = scenario.promptLengths
        seed = scenario.seed
    }

    /// Turn `turn` (0-based) of session `session` of VU `vu`: its user message and the reply length it asks for.
    func turnContents(vu: Int, session: Int, turn: Int, draws: RequestDraws) -> (user: String, words: Int, maxNew: Int) {
        var rng = SplitMix64(seed: seed ^ (UInt64(vu) &* 0x9E37_79B9_7F4A_7C15), stream: 8, index: UInt64(session) << 16 | UInt64(turn))
        let n = userLengths.sample(using: &rng)
        let text = RandomWordPrompts.text(words: words, count: n, using: &rng)
        var d = draws
        d.rng = rng
        return (text, n, d.maxNewTokens())
    }

    public func prompt(for slot: RequestSlot, draws: inout RequestDraws) -> Prompt {
        let session = slot.vuIteration / turns, turn = slot.vuIteration % turns
        var messages: [ChatMessage] = []
        var total = 0
        var maxNew = 0
        for t in 0...turn {
            let c = turnContents(vu: slot.vu, session: session, turn: t, draws: draws)
            messages.append(ChatMessage(role: "user", content: c.user))
            total += c.words
            maxNew = c.maxNew
            if t < turn {
                var rng = SplitMix64(seed: seed ^ (UInt64(slot.vu) &* 0x9E37_79B9_7F4A_7C15), stream: 9, index: UInt64(session) << 16 | UInt64(t))
                messages.append(ChatMessage(role: "assistant", content: RandomWordPrompts.text(words: words, count: c.maxNew, using: &rng)))
                total += c.maxNew
            }
        }
        let adapter: String
        switch adapterScope {
        case .perTurn: adapter = draws.adapter()
        case .perSession:
            var rng = SplitMix64(seed: seed ^ (UInt64(slot.vu) &* 0x9E37_79B9_7F4A_7C15), stream: 10, index: UInt64(session))
            adapter = draws.adapter(ordinal: slot.vu &+ session, using: &rng)
        }
        return Prompt(content: .messages(messages), inputWords: total, adapter: adapter, maxNewTokens: maxNew,
                      origin: RequestOrigin(session: "vu\(slot.vu)-s\(session)", turn: turn + 1))
    }
}
