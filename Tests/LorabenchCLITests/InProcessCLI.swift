import ArgumentParser
import Foundation
import LorabenchCLI

/// What one in-process `lorabench …` printed and how it ended.
struct CLIResult {
    var code: ExitCode
    var out: String
    var err: String
}

/// Runs `lorabench ARGS` in this process, exactly as `main` does, with captured stdout/stderr, a fixed environment
/// and stop requests the test sends through `signals`.
func lorabench(_ args: [String], environment: [String: String] = [:], terminal: Bool = false,
               signals: ManualSignals = ManualSignals()) async -> CLIResult {
    let out = CapturedText(), err = CapturedText()
    let console = Console(environment: environment, stderrIsTerminal: terminal, signals: signals,
                          out: { out.append($0) }, err: { err.append($0) })
    let code = await LorabenchCommand.invoke(args, console: console)
    return CLIResult(code: code, out: out.text, err: err.text)
}
