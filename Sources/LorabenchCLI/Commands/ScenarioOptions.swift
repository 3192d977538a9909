import ArgumentParser

/// Command-line changes to a scenario shared by `run`, `sweep` and `validate`; all become `--set` overrides,
/// so they are validated and recorded in summary.json like any other field.
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: "Override a field: dotted.path=value (value read as JSON when it parses).")
    var set: [String] = []

    @Flag(help: "Skip TLS certificate verification (same as target.insecure: true).")
    var insecure = false

    @Option(name: .customLong("ca-file"), help: "Trust this CA bundle (PEM) for the gateway (same as target.ca_file).")
    var caFile: String?

    /// The overrides in the order they apply (TLS flags first, so an explicit --set wins).
    var overrides: [String] {
        var out: [String] = []
        if insecure { out.append("target.insecure=true") }
        if let caFile { out.append("target.ca_file=" + caFile) }
        return out + set
    }
}
