import ArgumentParser

/// Where `run` and `sweep` write: an explicit folder, or a new timestamped one under a root.
struct ResultsOptions: ParsableArguments {
    @Option(help: "Results folder (default: <results-root>/<UTC timestamp>-<name>, with -sweep for a sweep).")
    var out: String?

    @Option(name: .customLong("results-root"), help: "Where new results folders are created.")
    var resultsRoot: String = "results"
}
