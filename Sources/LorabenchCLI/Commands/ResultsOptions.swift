import ArgumentParser
import Stats

/// Where `run` and `sweep` write, and what labels and copies of the results go with them.
struct ResultsOptions: ParsableArguments {
    @Option(help: "Results folder (default: <results-root>/<UTC timestamp>-<name>, with -sweep for a sweep).")
    var out: String?

    @Option(name: .customLong("results-root"), help: "Where new results folders are created.")
    var resultsRoot: String = "results"

    @Option(name: .customLong("tag"), help: "A label key=value kept in summary.json, on exported metrics and in the dashboard; repeatable.")
    var tagTexts: [String] = []

    @Flag(help: "Also write requests.jsonl: each request as a JSON object per line, as it finishes (typed; empty cells are null).")
    var jsonl = false

    @Option(name: .customLong("push-gateway"), help: "Prometheus Pushgateway base URL: each run's metrics are PUT to the group of its scenario and tags.")
    var pushGateway: String?

    /// Checked at parse time, so a bad tag or URL stops `run` and `sweep` before anything is planned or sent.
    func validate() throws {
        _ = try tags()
        _ = try pushGatewayURL()
    }

    /// The tags, checked; the error names the offending one.
    func tags() throws -> [String: String] {
        do { return try RunTags.parse(tagTexts) } catch { throw ValidationError("--tag: \(error)") }
    }

    /// The Pushgateway URL, checked to be an http(s) URL.
    func pushGatewayURL() throws -> String? {
        guard let pushGateway else { return nil }
        guard pushGateway.hasPrefix("http://") || pushGateway.hasPrefix("https://"), pushGateway.count > 8 else {
            throw ValidationError("--push-gateway: expected an http:// or https:// URL, got \"\(pushGateway)\"")
        }
        return pushGateway
    }
}
