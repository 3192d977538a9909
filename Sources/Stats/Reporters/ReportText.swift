import Foundation

/// How every text report writes numbers and aligns columns, so the terminal, sweep table, comparison and charts agree.
public enum ReportText {
    /// Integers bare, others with two decimals (one past 100).
    public static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e12 { return String(Int64(v)) }
        return String(format: abs(v) >= 100 ? "%.1f" : "%.2f", v)
    }

    /// Left-aligns text in a column of width `n` (at least one space follows).
    public static func left(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

    /// Right-aligns text in a column of width `n` (at least one space precedes).
    public static func right(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
