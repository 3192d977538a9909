import Foundation

/// The scenario's adapter mix as a per-request draw: base share first, then uniform, round-robin, zipf or weights.
struct AdapterPicker: Sendable {
    let adapters: Scenario.Adapters
    private let cdf: [Double]

    init(_ adapters: Scenario.Adapters) {
        self.adapters = adapters
        let ids = adapters.ids
        switch adapters.distribution {
        case .zipf(let s): cdf = Self.cdf(ids.indices.map { 1 / pow(Double($0 + 1), s) })
        case .weights(let w): cdf = Self.cdf(w)
        default: cdf = []
        }
    }

    static func cdf(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var acc = 0.0
        return weights.map { acc += $0 / total; return acc }
    }

    /// Index into `cdf` of the first entry at or above `u`.
    static func index(in cdf: [Double], _ u: Double) -> Int {
        var lo = 0, hi = cdf.count - 1
        while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] < u { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    func pick(sequence: Int, rng: inout SplitMix64) -> String {
        let a = adapters
        guard !a.ids.isEmpty else { return "" }
        if a.baseShare > 0, rng.nextUnit() < a.baseShare { return "" }
        switch a.distribution {
        case .uniform: return a.ids[Int(rng.next() % UInt64(a.ids.count))]
        case .roundRobin: return a.ids[sequence % a.ids.count]
        case .zipf, .weights: return a.ids[Self.index(in: cdf, rng.nextUnit())]
        }
    }
}
