extension Int {
    /// `self + other`, held at `Int.max` / `Int.min` instead of trapping: counts that come from outside (a server's
    /// token counts, a summary file) may be absurd, and an absurd number must not crash the run and lose its records.
    @inlinable
    public func plusSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// Adds in place without trapping (see `plusSaturating`).
    @inlinable
    public mutating func addSaturating(_ other: Int) { self = plusSaturating(other) }

    /// `plusSaturating` as a two-argument function, for `Dictionary.merge(_:uniquingKeysWith:)`.
    @inlinable
    public static func saturatingSum(_ a: Int, _ b: Int) -> Int { a.plusSaturating(b) }
}
