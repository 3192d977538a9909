import Foundation

/// The normalisation every text metric applies before comparing (docs/quality.md): lower case, punctuation
/// removed, whitespace collapsed. Articles are kept: classification labels and short answers rarely carry them,
/// and removing them would make "a" and "the" answers equal.
public enum TextNormalization {
    /// `text` lower-cased, each Unicode punctuation or symbol character replaced by a space, whitespace runs
    /// collapsed to one space, and trimmed: `"  The  Cat's  HAT! "` → `"the cat s hat"`.
    public static func normalize(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            let p = scalar.properties
            if p.isWhitespace || CharacterSet.punctuationCharacters.contains(scalar) || CharacterSet.symbols.contains(scalar)
                || p.generalCategory == .control {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// The normalised text's words (split on single spaces; empty text has none).
    public static func tokens(_ text: String) -> [Substring] {
        normalize(text).split(separator: " ")
    }
}
