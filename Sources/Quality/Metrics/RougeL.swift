/// ROUGE-L: the longest common subsequence of the normalised words, as an F-measure of LCS/prediction length
/// (precision) and LCS/reference length (recall), β = 1.
public enum RougeL {
    /// 1 when both are empty after normalisation, 0 when only one is.
    public static func score(prediction: String, reference: String) -> Double {
        let p = TextNormalization.tokens(prediction), r = TextNormalization.tokens(reference)
        if p.isEmpty || r.isEmpty { return p.isEmpty && r.isEmpty ? 1 : 0 }
        let lcs = longestCommonSubsequence(p, r)
        guard lcs > 0 else { return 0 }
        let precision = Double(lcs) / Double(p.count), recall = Double(lcs) / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory.
    static func longestCommonSubsequence(_ a: [Substring], _ b: [Substring]) -> Int {
        var prev = [Int](repeating: 0, count: b.count + 1)
        var cur = prev
        for x in a {
            for (j, y) in b.enumerated() {
                cur[j + 1] = x == y ? prev[j] + 1 : max(prev[j + 1], cur[j])
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
