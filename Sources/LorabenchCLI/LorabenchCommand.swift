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
}
