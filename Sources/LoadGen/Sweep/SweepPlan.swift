import Foundation
import Stats

/// A grid of runs over adapter count × load (concurrency or arrival rate), each cell a full scenario derived from one base.
public struct SweepPlan: Sendable {
    /// One point of the grid.
    public struct Cell: Sendable, Equatable {
        public var adapters: Int
        public var concurrency: Int?
        public var rate: Double?

        public init(adapters: Int, concurrency: Int?, rate: Double?) {
            self.adapters = adapters; self.concurrency = concurrency; self.rate = rate
        }

        /// Stable folder name: `a25-c10`, `a0-r2.5`.
        public var id: String {
            if let c = concurrency { return "a\(adapters)-c\(c)" }
            return "a\(adapters)-r\(ReportText.number(rate ?? 0))"
        }
    }

    public var adapterCounts: [Int]
    public var concurrency: [Int]
    public var rates: [Double]
    /// Measured window of each cell; the base scenario's length when not given.
    public var duration: Duration
    /// Where a cell's adapter ids come from: the first N of the scenario's own list, or a template.
    public var adapterSource: AdapterSource
    public var untilSLO: Bool
    /// Fraction of requests that must meet the SLOs for a load level to count as sustained.
    public var sloFraction: Double

    public var loadAxis: String { rates.isEmpty ? "concurrency" : "rate" }

    /// A sweep uses the adapters the scenario names (a server knows those ids); a template only when one is given.
    public enum AdapterSource: Sendable, Equatable {
        case ids([String])
        case template(String)
    }

    /// The grid in run order: adapter counts outer, load inner (ascending, as `--until-slo` needs).
    public var cells: [Cell] {
        adapterCounts.flatMap { a in
            rates.isEmpty ? concurrency.sorted().map { Cell(adapters: a, concurrency: $0, rate: nil) }
                          : rates.sorted().map { Cell(adapters: a, concurrency: nil, rate: $0) }
        }
    }

    /// Reads the scenario's `sweep` block, then applies command-line values over it.
    public static func make(document: JSONValue, base: Scenario, file: String, adapters: [Int]?, concurrency: [Int]?, rates: [Double]?,
                            duration: Duration?, untilSLO: Bool, sloFraction: Double?) throws -> SweepPlan {
        var r = ScenarioReader()
        let block = document.objectValue?["sweep"].flatMap { r.object($0, "sweep", allowed: ["adapters", "concurrency", "rate", "duration",
                                                                                                "template", "until_slo", "slo_fraction"]) } ?? [:]
        func ints(_ key: String) -> [Int]? {
            guard let v = block[key] else { return nil }
            guard let a = v.arrayValue else { r.fail("sweep.\(key)", "expected an array of numbers"); return nil }
            return a.enumerated().compactMap { r.number($1, "sweep.\(key)[\($0)]", range: 0...1_000_000, integer: true).map { Int($0) } }
        }
        let fileRates = block["rate"]?.arrayValue?.enumerated().compactMap { r.number($1, "sweep.rate[\($0)]", range: 0.001...1_000_000) }
        let fileTemplate: String? = {
            if case .object(let a)? = document.objectValue?["adapters"], case .string(let t)? = a["template"] { return t }
            return nil
        }()
        let source: AdapterSource
        if let t = r.string(block, "template", "sweep") ?? fileTemplate {
            source = .template(t)
        } else {
            source = .ids(base.adapters.ids)
        }
        let plan = SweepPlan(
            adapterCounts: adapters ?? ints("adapters") ?? [base.adapters.ids.count],
            concurrency: concurrency ?? ints("concurrency") ?? [],
            rates: rates ?? fileRates ?? [],
            duration: duration ?? r.duration(block, "duration", "sweep", allowZero: false) ?? base.load.duration,
            adapterSource: source,
            untilSLO: untilSLO || (r.bool(block, "until_slo", "sweep") ?? false),
            sloFraction: sloFraction ?? r.number(block, "slo_fraction", "sweep", range: 0.01...1) ?? 0.95)
        if plan.concurrency.isEmpty && plan.rates.isEmpty { r.fail("sweep", "give --concurrency or --rate values (or sweep.concurrency / sweep.rate)") }
        if !plan.concurrency.isEmpty && !plan.rates.isEmpty { r.fail("sweep", "sweep either concurrency or rate, not both") }
        if plan.concurrency.contains(0) { r.fail("sweep.concurrency", "values must be at least 1") }
        if plan.untilSLO && base.slo.isEmpty { r.fail("slo", "--until-slo needs the scenario to set \"slo\"") }
        switch source {
        case .template(let t):
            if !t.contains("{i}") { r.fail("sweep.template", "expected a \"{i}\" placeholder") }
        case .ids(let ids):
            if let most = plan.adapterCounts.max(), most > ids.count {
                r.fail(adapters == nil ? "sweep.adapters" : "--adapters",
                       ids.isEmpty ? "the scenario names no adapters to sweep over; list them in \"adapters\" or give a \"template\" (sweep.template or adapters.template)"
                                   : "\(most) adapters asked for, but the scenario names \(ids.count) (\(ids.prefix(4).joined(separator: ", "))\(ids.count > 4 ? ", …" : "")); give a \"template\" to sweep further")
            }
        }
        guard r.issues.isEmpty else { throw ScenarioError(file: file, issues: r.issues) }
        return plan
    }

    /// The base document turned into one cell's scenario document.
    public func document(for cell: Cell, base: JSONValue) -> JSONValue {
        guard case .object(var o) = base else { return base }
        o["sweep"] = nil
        if let name = o["name"]?.stringValue { o["name"] = .string("\(name)-\(cell.id)") } else { o["name"] = .string(cell.id) }
        if cell.adapters == 0 {
            o["adapters"] = nil
        } else {
            var a: [String: JSONValue] = o["adapters"]?.objectValue ?? [:]
            a["ids"] = nil; a["count"] = nil; a["template"] = nil
            a["weights"] = nil
            if case .string("weights")? = a["distribution"] { a["distribution"] = nil }
            switch adapterSource {
            case .ids(let ids): a["ids"] = .array(ids.prefix(cell.adapters).map { .string($0) })
            case .template(let t): a["count"] = .int(Int64(cell.adapters)); a["template"] = .string(t)
            }
            o["adapters"] = .object(a)
        }
        for k in ["stages", "start_vus", "rate", "start_rate", "executor", "concurrency", "vus"] { o[k] = nil }
        o["duration"] = .string(DurationText.format(duration))
        // Cells start their VUs over a short interval unless the scenario says otherwise, so a cell's first touches
        // are not one synchronized batch.
        if o["vu_start_spread"] == nil, cell.concurrency != nil {
            o["vu_start_spread"] = .string(DurationText.format(min(.seconds(1), duration / 10)))
        }
        if let c = cell.concurrency {
            for k in ["time_unit", "pre_allocated_vus", "max_vus", "arrival", "burstiness"] { o[k] = nil }
            o["concurrency"] = .int(Int64(c))
        } else if let rate = cell.rate {
            o["think_time"] = nil
            o["rate"] = .double(rate)
            if o["max_vus"] == nil { o["max_vus"] = .int(Int64(max(64, Int((rate * 20).rounded(.up))))) }
        }
        return .object(o)
    }
}
