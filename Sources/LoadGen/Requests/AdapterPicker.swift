import Foundation

/// The scenario's adapter mix as a per-request draw: base share first, then uniform, round-robin, zipf or weights.
/// With `workload.adapter_drift` the zipf/weights ranking rotates by `step` places every `every`, so the hot set
/// moves over the run (adapter churn against the server's active-adapter limit, on purpose).
struct AdapterPicker: Sendable {
    let adapters: Scenario.Adapters
    let drift: Scenario.Workload.AdapterDrift?
    private let cdf: [Double]

    init(_ adapters: Scenario.Adapters, drift: Scenario.Workload.AdapterDrift? = nil) {
        self.adapters = adapters
        self.drift = drift
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

    /// How many places the ranking has rotated by `elapsedMicros` into the window.
    func rotation(atElapsed elapsedMicros: UInt64) -> Int {
        guard let d = drift, !adapters.ids.isEmpty else { return 0 }
        let periods = elapsedMicros / UInt64(d.every.microseconds)
        return Int((periods % UInt64(adapters.ids.count)) * UInt64(d.step) % UInt64(adapters.ids.count))
    }

    func pick(sequence: Int, rng: inout SplitMix64, elapsedMicros: UInt64 = 0) -> String {
        let a = adapters
        guard !a.ids.isEmpty else { return "" }
        if a.baseShare > 0, rng.nextUnit() < a.baseShare { return "" }
        switch a.distribution {
        case .uniform: return a.ids[Int(rng.next() % UInt64(a.ids.count))]
        case .roundRobin: return a.ids[sequence % a.ids.count]
        case .zipf, .weights: return a.ids[(Self.index(in: cdf, rng.nextUnit()) + rotation(atElapsed: elapsedMicros)) % a.ids.count]
        }
    }
}
