import Foundation
import LoadGen
import LoraxSim
import Stats

/// Resolves a scenario's target to a base URL, starting the in-process simulator when the scenario asks for one.
struct EmbeddedTarget {
    let baseURL: String
    let simulator: LoraxSimServer?

    /// Decodes `target.simulator` settings; problems are reported with their JSON path under `target.simulator`.
    static func simConfig(_ value: JSONValue, file: String) throws -> SimConfig {
        do {
            return try SimConfig.decode(from: Data(value.encodedString().utf8))
        } catch let e as SimConfigError {
            throw ScenarioError(file: file, issues: e.issues.map {
                ScenarioIssue(path: "target.simulator" + ($0.path.isEmpty ? "" : "." + $0.path), message: $0.message)
            })
        }
    }

    static func start(_ scenario: Scenario, file: String) async throws -> EmbeddedTarget {
        switch scenario.target.endpoint {
        case .url(let u):
            return EmbeddedTarget(baseURL: u, simulator: nil)
        case .simulator(let settings):
            let config = try simConfig(settings, file: file)
            let server = try await LoraxSimServer.start(config)
            return EmbeddedTarget(baseURL: server.baseURL, simulator: server)
        }
    }

    func stop() async {
        try? await simulator?.shutdown()
    }
}
