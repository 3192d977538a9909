import Foundation
import LoadGen
import LoraxSim
import Stats

/// Resolves a scenario's target to a base URL, starting the in-process simulator when the scenario asks for one.
struct EmbeddedTarget {
    let baseURL: String
    let simulator: LoraxSimServer?

    /// The simulator's own check of `target.simulator` settings, with paths relative to that object.
    static func issues(_ value: JSONValue) -> [ScenarioIssue] {
        do {
            _ = try SimConfig.decode(from: Data(value.encodedString().utf8))
            return []
        } catch let e as SimConfigError {
            return e.issues
        } catch {
            return [ScenarioIssue(path: "", message: "\(error)")]
        }
    }

    /// Starts the simulator a checked scenario names (its settings passed `issues` already).
    static func start(_ scenario: Scenario) async throws -> EmbeddedTarget {
        switch scenario.target.endpoint {
        case .url(let u):
            return EmbeddedTarget(baseURL: u, simulator: nil)
        case .simulator(let settings):
            let config = try SimConfig.decode(from: Data(settings.encodedString().utf8))
            let server = try await LoraxSimServer.start(config)
            return EmbeddedTarget(baseURL: server.baseURL, simulator: server)
        }
    }

    func stop() async {
        try? await simulator?.shutdown()
    }
}

extension ScenarioCheck {
    /// The check every command runs: the file, its overrides, the console's environment and the simulator's own rules.
    static func of(_ file: String, overrides: [String], console: Console) -> ScenarioCheck {
        ScenarioCheck(file: file, overrides: overrides, environment: console.environment, simulatorCheck: EmbeddedTarget.issues)
    }
}
