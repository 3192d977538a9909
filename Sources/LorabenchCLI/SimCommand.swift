import ArgumentParser
import Foundation
import LoraxSim

/// `lorabench sim`: a standalone LoRAX-compatible server (for demos, other tools, or runs from another process).
struct SimCommand: AsyncParsableCommand {
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

    func run() async throws {
        var settings: SimConfig
        do {
            if let path = config {
                guard let data = FileManager.default.contents(atPath: path) else {
                    Console.error("cannot read simulator config \(path)")
                    throw LorabenchExit.invalidConfig
                }
                settings = try SimConfig.decode(from: data)
                if let p = profile, p != settings.profile {
                    Console.error("--profile \(p) conflicts with \"profile\": \"\(settings.profile)\" in \(path)")
                    throw LorabenchExit.invalidConfig
                }
            } else {
                settings = try SimConfig.profile(profile ?? "a100-7b")
            }
        } catch let e as SimConfigError {
            Console.error("invalid simulator settings:\n" + e.issues.map { "  - \($0)" }.joined(separator: "\n"))
            throw LorabenchExit.invalidConfig
        }
        if let seed { settings.seed = seed }
        let server: LoraxSimServer
        do { server = try await LoraxSimServer.start(settings, host: host, port: port) } catch {
            Console.error("cannot start the simulator on \(host):\(port): \(error)")
            throw LorabenchExit.runError
        }
        print("lorabench sim (\(settings.profile)) listening on \(server.baseURL)")
        fflush(nil)
        var trap: SignalTrap?
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            trap = SignalTrap(first: { c.resume() }, second: {})
        }
        trap?.disarm()
        try? await server.shutdown()
        Console.info("lorabench sim: stopped")
    }
}
