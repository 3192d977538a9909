import ArgumentParser
import Foundation
import LoraxSim

/// `lorabench sim`: a standalone LoRAX-compatible server (for demos, other tools, or runs from another process).
struct SimCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a LoRAX-compatible simulator until SIGINT/SIGTERM.")

    @Option(help: "Address to bind (loopback by default).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free one).")
    var port = 3000

    @Option(help: "Latency profile: \(SimConfig.profileNames.joined(separator: ", ")).")
    var profile: String?

    @Option(help: "JSON file of simulator settings (snake_case keys; see docs/simulator.md).")
    var config: String?

    @Option(help: "Seed for token texts, EOS and faults.")
    var seed: UInt64?

    func execute(_ console: Console) async -> ExitCode {
        var settings: SimConfig
        do {
            if let path = config {
                guard let data = FileManager.default.contents(atPath: path) else {
                    console.error("cannot read simulator config \(path)")
                    return LorabenchExit.invalidConfig
                }
                settings = try SimConfig.decode(from: data)
                if let p = profile, p != settings.profile {
                    console.error("--profile \(p) conflicts with \"profile\": \"\(settings.profile)\" in \(path)")
                    return LorabenchExit.invalidConfig
                }
            } else {
                settings = try SimConfig.profile(profile ?? "a100-7b")
            }
        } catch let e as SimConfigError {
            console.error("invalid simulator settings:\n" + e.issues.map { "  - \($0)" }.joined(separator: "\n"))
            return LorabenchExit.invalidConfig
        } catch {
            console.error("invalid simulator settings: \(error)")
            return LorabenchExit.invalidConfig
        }
        if let seed { settings.seed = seed }
        let server: LoraxSimServer
        do { server = try await LoraxSimServer.start(settings, host: host, port: port) } catch {
            console.error("cannot start the simulator on \(host):\(port): \(error)")
            return LorabenchExit.runError
        }
        console.print("lorabench sim (\(settings.profile)) listening on \(server.baseURL)")
        // The trap is disarmed here, after the wait, never from inside its own handler.
        let (stopped, continuation) = AsyncStream<Void>.makeStream()
        let trap = console.signals.trap(first: { continuation.yield(); continuation.finish() }, second: {})
        for await _ in stopped { break }
        trap.disarm()
        try? await server.shutdown()
        console.info("lorabench sim: stopped")
        return LorabenchExit.ok
    }
}
