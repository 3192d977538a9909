import ArgumentParser

/// The `lorabench` root command.
public struct LorabenchCommand: ParsableCommand {
    public init() {}
}
