import Foundation

/// The user's command run before each sweep cell (`--cell-setup`: restart a server, unload adapters), through
/// `/bin/sh -c` with the cell named in the environment, so every cell can start from a cold server.
struct CellSetup: Sendable {
    let command: String

    /// Runs the command for `cell`; nil when it exited 0, otherwise what went wrong.
    func run(cell: String, directory: String, environment: [String: String]) async -> String? {
        await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", command]
            var env = environment
            env["LORABENCH_CELL"] = cell
            env["LORABENCH_CELL_DIR"] = directory
            p.environment = env
            p.terminationHandler = { p in
                c.resume(returning: p.terminationStatus == 0 ? nil : "--cell-setup exited with status \(p.terminationStatus)")
            }
            do { try p.run() } catch { c.resume(returning: "--cell-setup could not start: \(error)") }
        }
    }
}
