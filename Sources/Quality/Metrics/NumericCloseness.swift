/// Numeric closeness: the first number in the answer against the reference number, scored
/// max(0, 1 − |prediction − reference| / scale) with scale = max(|reference|, 1) unless the task gives one
/// (`numeric_scale`), so an exact answer scores 1 and one off by the scale or more scores 0.
public enum NumericCloseness {
    /// The first number written in `text`: optional sign, digits with optional thousands commas, optional
    /// fraction and exponent (`"about -1,234.5e2 units"` → -123450). nil when there is none or it is not finite.
    public static func firstNumber(in text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        while i < b.count {
            let signed = (b[i] == 0x2D || b[i] == 0x2B) && (isDigit(i + 1) || (i + 2 < b.count && b[i + 1] == 0x2E && isDigit(i + 2)))
            let startsNumber = isDigit(i) || signed || (b[i] == 0x2E && isDigit(i + 1))
            guard startsNumber else { i += 1; continue }
            var s = ""
            if signed { if b[i] == 0x2D { s.append("-") }; i += 1 }
            while i < b.count {
                if isDigit(i) { s.append(Character(UnicodeScalar(b[i]))); i += 1 }
                else if b[i] == 0x2C, isDigit(i + 1), !s.isEmpty, s != "-" { i += 1 }  // thousands separator
                else { break }
            }
            if i < b.count, b[i] == 0x2E, isDigit(i + 1) {
                s.append("."); i += 1
                while isDigit(i) { s.append(Character(UnicodeScalar(b[i]))); i += 1 }
            }
            if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
                var j = i + 1
                var exp = "e"
                if j < b.count, b[j] == 0x2D || b[j] == 0x2B { exp.append(Character(UnicodeScalar(b[j]))); j += 1 }
                if isDigit(j) {
                    while isDigit(j) { exp.append(Character(UnicodeScalar(b[j]))); j += 1 }
                    s += exp
                    i = j
                }
            }
            if s.hasPrefix(".") || s.hasPrefix("-.") { s = s.replacingOccurrences(of: ".", with: "0.") }
            guard let v = Double(s), v.isFinite else { return nil }
            return v
        }
        return nil
    }

    /// The score in [0, 1]; 0 when either side has no number.
    public static func score(prediction: String, reference: String, scale: Double? = nil) -> Double {
        guard let p = firstNumber(in: prediction), let r = firstNumber(in: reference) else { return 0 }
        let s = scale ?? max(abs(r), 1)
        guard s > 0 else { return p == r ? 1 : 0 }
        let d = abs(p - r)
        guard d.isFinite else { return 0 }
        return max(0, 1 - d / s)
    }
}
