import Foundation
import Histogram

/// One empty `Histogram<UInt64>` per layout, made once per process and handed out as copies. Why: the library's
/// initialiser is not inlinable, so it runs unspecialised at ~10 instructions per bucket (callgrind: ~156 k for a
/// layout reaching 10 s; a 30 s run made 120 of them growing, plus five per adapter and two a second for the
/// interval's TTFT), while a copy shares the template's zeroed counts until its first write, which copies them at
/// memory speed. Empty histograms that are never written (a cold TTFT with no cold request) share them for good.
/// Threading: any thread; the templates are behind a lock.
final class HistogramLayouts: @unchecked Sendable {
    static let shared = HistogramLayouts()
    private let lock = NSLock()
    private var templates: [UInt64: Histogram<UInt64>] = [:]

    /// An empty histogram holding values below `top` (lowest value 1, 3 digits, autoResize on as a safety net).
    func empty(below top: UInt64) -> Histogram<UInt64> {
        lock.lock()
        defer { lock.unlock() }
        if let h = templates[top] { return h }
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: top - 1, numberOfSignificantValueDigits: .three)
        h.autoResize = true
        templates[top] = h
        return h
    }
}
