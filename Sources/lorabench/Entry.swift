import Foundation
import LorabenchCLI

/// The executable's entry point; everything else lives in LorabenchCLI so tests can run commands in-process.
@main
struct Entry {
    static func main() async {
        let code = await LorabenchCommand.invoke(Array(CommandLine.arguments.dropFirst()), console: .standard())
        exit(code.rawValue)
    }
}
