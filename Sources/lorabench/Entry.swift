import LorabenchCLI

/// The executable's entry point; everything else lives in LorabenchCLI so tests can run commands in-process.
@main
struct Entry {
    static func main() async {
        await LorabenchCommand.main()
    }
}
