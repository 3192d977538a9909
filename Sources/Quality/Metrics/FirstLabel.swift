/// The label a free-text answer gives: of the task's labels, the one whose normalised words start earliest in the
/// normalised answer (whole words only, so "negative" is not found in "nonnegative"); the longer label wins a tie
/// at the same position ("very positive" over "positive").
public enum FirstLabel {
    /// The label found first in `text`, as written in `labels`; nil when none occurs.
    public static func find(in text: String, labels: [String]) -> String? {
        let words = TextNormalization.tokens(text)
        var best: (position: Int, length: Int, label: String)?
        for label in labels {
            let lw = TextNormalization.tokens(label)
            guard !lw.isEmpty, lw.count <= words.count else { continue }
            for start in 0...(words.count - lw.count) where words[start..<(start + lw.count)].elementsEqual(lw) {
                if best == nil || start < best!.position || (start == best!.position && lw.count > best!.length) {
                    best = (start, lw.count, label)
                }
                break
            }
        }
        return best?.label
    }

    /// 1 when the first label found is the reference (compared normalised), else 0.
    public static func score(prediction: String, reference: String, labels: [String]) -> Double {
        guard let found = find(in: prediction, labels: labels) else { return 0 }
        return TextNormalization.normalize(found) == TextNormalization.normalize(reference) ? 1 : 0
    }
}
