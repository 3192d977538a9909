/// Token-level F1 between a prediction and a reference (SQuAD's definition): the multiset overlap of their
/// normalised words, as the harmonic mean of precision and recall.
public enum TokenF1 {
    /// 1 when both are empty after normalisation, 0 when only one is or nothing overlaps.
    public static func score(prediction: String, reference: String) -> Double {
        let p = TextNormalization.tokens(prediction), r = TextNormalization.tokens(reference)
        if p.isEmpty || r.isEmpty { return p.isEmpty && r.isEmpty ? 1 : 0 }
        var counts: [Substring: Int] = [:]
        for t in r { counts[t, default: 0] += 1 }
        var common = 0
        for t in p where (counts[t] ?? 0) > 0 {
            counts[t]! -= 1
            common += 1
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(p.count), recall = Double(common) / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }
}
