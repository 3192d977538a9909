import ArgumentParser

/// The `lorabench` root command: a load tester for LoRAX gateways.
public struct LorabenchCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "lorabench",
        abstract: "Load-test LoRAX (and OpenAI-compatible) LLM gateways: TTFT, TPOT, ITL, E2E, throughput, per adapter.",
        discussion: """
        Exit codes: 0 ok, 1 run error (gateway unreachable, results not writable), 99 thresholds failed,
        104 invalid scenario or arguments, 105 aborted by signal.
        """,
        version: version,
        subcommands: [RunCommand.self, SweepCommand.self, ValidateCommand.self, ReportCommand.self, CompareCommand.self, MergeCommand.self, SimCommand.self]
    )

    public init() {}

    /// Parses `arguments` (without the program name) and runs the command against `console`; returns the exit code.
    /// `main` is this call with the process's console; tests call it with buffers.
    public static func invoke(_ arguments: [String], console: Console) async -> ExitCode {
        do {
            let command = try parseAsRoot(arguments)
            if let sub = command as? ConsoleCommand { return await sub.execute(console) }
            if command is LorabenchCommand {
                console.print(helpMessage())
                return .success
            }
            // `lorabench help run`: the built-in help command answers by throwing its help request.
            var other = command
            try other.run()
            return .success
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {  // --help, --version
                console.print(text)
                return .success
            }
            console.error(text)
            return LorabenchExit.invalidConfig
        }
    }
}

/// A subcommand whose whole work is `execute`: it writes only to the console it is given and returns its exit code.
protocol ConsoleCommand: AsyncParsableCommand {
    func execute(_ console: Console) async -> ExitCode
}

extension ConsoleCommand {
    func run() async throws {
        let code = await execute(.standard())
        if code != LorabenchExit.ok { throw code }
    }
}
