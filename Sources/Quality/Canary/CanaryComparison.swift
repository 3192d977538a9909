/// How a canary's answer under load compares with the one it gave when its adapter was idle.
public enum CanaryComparison {
    /// Characters the two texts share from the start.
    public static func commonPrefix(_ a: String, _ b: String) -> Int {
        var n = 0
        for (x, y) in zip(a, b) { if x != y { break }; n += 1 }
        return n
    }

    /// True when `answer` keeps the first `required` characters of `baseline` (all of it, and no more, when nil).
    /// Greedy decoding under batching may legitimately drift late in a long answer; a scenario says how much must hold.
    public static func matches(baseline: String, answer: String, requiredPrefix: Int?) -> Bool {
        guard let required = requiredPrefix else { return baseline == answer }
        let need = min(required, baseline.count)
        return commonPrefix(baseline, answer) >= need
    }
}
