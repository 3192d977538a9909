import Foundation
import Stats

/// A scenario every command may act on: validated, with what it needs from the environment already read.
public struct CheckedScenario: Sendable {
    public var scenario: Scenario
    /// The document after `--set` overrides (sweep cells are derived from it).
    public var document: JSONValue
    /// The bearer token read from `target.auth_env`; never written anywhere.
    public var bearerToken: String?
    /// The sweep plan and its cells, when a sweep was asked for or the file has a `sweep` block.
    public var sweep: CheckedSweep?
}

/// A sweep whose every cell has passed the same check as a single run.
public struct CheckedSweep: Sendable {
    public var plan: SweepPlan
    public var cells: [(cell: SweepPlan.Cell, scenario: Scenario)]
}

/// Command-line values for a sweep, laid over the scenario's `sweep` block.
public struct SweepRequest: Sendable {
    public var adapters: [Int]?
    public var concurrency: [Int]?
    public var rates: [Double]?
    public var duration: Duration?
    public var untilSLO = false
    public var sloFraction: Double?

    public init(adapters: [Int]? = nil, concurrency: [Int]? = nil, rates: [Double]? = nil, duration: Duration? = nil,
                untilSLO: Bool = false, sloFraction: Double? = nil) {
        self.adapters = adapters; self.concurrency = concurrency; self.rates = rates
        self.duration = duration; self.untilSLO = untilSLO; self.sloFraction = sloFraction
    }
}

/// The one scenario check that `run`, `sweep` and `validate` share, so `validate` refuses exactly what the others
/// would: file, `--set` overrides, fields, simulator settings, the sweep block and the environment, every issue at once.
public struct ScenarioCheck: Sendable {
    /// Checks `target.simulator` settings, with issue paths relative to that object. The CLI passes the
    /// simulator's own validation (LoadGen does not depend on the simulator).
    public typealias SimulatorCheck = @Sendable (JSONValue) -> [ScenarioIssue]

    public var file: String
    public var overrides: [String]
    public var environment: [String: String]
    public var simulatorCheck: SimulatorCheck

    public init(file: String, overrides: [String] = [], environment: [String: String],
                simulatorCheck: @escaping SimulatorCheck = { _ in [] }) {
        self.file = file
        self.overrides = overrides
        self.environment = environment
        self.simulatorCheck = simulatorCheck
    }

    /// How a sweep is asked for: not at all (a plain run), from the file's `sweep` block if it has one
    /// (`validate`), or as `lorabench sweep` with these command-line values.
    public enum SweepMode: Sendable {
        case none
        case ifPresent
        case required(SweepRequest)
    }

    /// Reads and checks the file; throws a `ScenarioError` listing every issue.
    public func check(sweep mode: SweepMode = .none) throws -> CheckedScenario {
        let parsed = try ScenarioLoader.readDocument(file)
        var issues: [ScenarioIssue] = []
        var doc = parsed
        for o in overrides {
            do { doc = try ScenarioOverride.apply(o, to: doc) } catch let e as ScenarioIssue { issues.append(e) }
        }
        let scenario = collect(document: doc, file: file, into: &issues)
        var token: String?
        if let scenario, let name = scenario.target.authEnv {
            if let t = environment[name], !t.isEmpty { token = t } else {
                issues.append(ScenarioIssue(path: "target.auth_env", message: "names \(name), but that environment variable is not set"))
            }
        }
        var sweep: CheckedSweep?
        if let scenario {
            switch mode {
            case .none: break
            case .ifPresent:
                if doc.objectValue?["sweep"] != nil { sweep = checkSweep(SweepRequest(), document: doc, base: scenario, into: &issues) }
            case .required(let request):
                sweep = checkSweep(request, document: doc, base: scenario, into: &issues)
            }
        }
        guard issues.isEmpty, let scenario else {
            throw ScenarioError(file: file, issues: issues.isEmpty ? [ScenarioIssue(path: "", message: "invalid")] : issues)
        }
        return CheckedScenario(scenario: scenario, document: doc, bearerToken: token, sweep: sweep)
    }

    /// One sweep cell's scenario (bisection cells are made after the plan), checked like any other.
    public func cell(_ cell: SweepPlan.Cell, of plan: SweepPlan, document: JSONValue) throws -> Scenario {
        var issues: [ScenarioIssue] = []
        let label = "\(file) [sweep \(cell.id)]"
        guard let s = collect(document: plan.document(for: cell, base: document), file: label, into: &issues), issues.isEmpty else {
            throw ScenarioError(file: label, issues: issues)
        }
        return s
    }

    /// The scenario's fields and its simulator settings (checked even when the fields fail, so both are reported);
    /// nil when the fields do not make a scenario.
    private func collect(document: JSONValue, file: String, into issues: inout [ScenarioIssue]) -> Scenario? {
        if case .object(let settings)? = document.objectValue?["target"]?.objectValue?["simulator"] {
            issues += simulatorCheck(.object(settings)).map { $0.nested(under: "target.simulator") }
        }
        do { return try ScenarioLoader.load(document: document, file: file, environment: environment) } catch let e as ScenarioError {
            issues += e.issues
        } catch {
            issues.append(ScenarioIssue(path: "", message: "\(error)"))
        }
        return nil
    }

    private func checkSweep(_ request: SweepRequest, document: JSONValue, base: Scenario, into issues: inout [ScenarioIssue]) -> CheckedSweep? {
        let plan: SweepPlan
        do {
            plan = try SweepPlan.make(document: document, base: base, file: file, adapters: request.adapters, concurrency: request.concurrency,
                                      rates: request.rates, duration: request.duration, untilSLO: request.untilSLO,
                                      sloFraction: request.sloFraction)
        } catch let e as ScenarioError {
            issues += e.issues
            return nil
        } catch {
            issues.append(ScenarioIssue(path: "sweep", message: "\(error)"))
            return nil
        }
        var cells: [(cell: SweepPlan.Cell, scenario: Scenario)] = []
        for c in plan.cells {
            var cellIssues: [ScenarioIssue] = []
            if let s = collect(document: plan.document(for: c, base: document), file: file, into: &cellIssues), cellIssues.isEmpty {
                cells.append((c, s))
            }
            issues += cellIssues.map { ScenarioIssue(path: $0.path, message: "\($0.message) (sweep cell \(c.id))") }
        }
        return CheckedSweep(plan: plan, cells: cells)
    }
}
