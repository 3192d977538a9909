import Dispatch
import Foundation
import Stats

/// Scrapes the server's Prometheus endpoint at the window's start, every `interval` and at its end; writes every
/// sample to server_metrics.csv and puts the server's view, with its agreement with the client, into summary.json.
/// A server without metrics, or a scrape that fails, is a line on the log, never a failed run.
/// Threading: the runner calls it on its stats queue; scrapes run on the collector's own queue, never the transport's.
public final class ServerMetricsCollector: RunCollector, @unchecked Sendable {
    // @unchecked: everything mutable below is touched only on `scrapeQueue`, except `nextDue` (stats queue only).
    private let scrapeQueue = DispatchQueue(label: "lorabench.server-metrics")
    private let scrape: MetricsScrape
    private let setting: Scenario.ServerMetrics
    private let warmup: Bool
    private let log: @Sendable (String) -> Void
    private var nextDue: Double
    // scrapeQueue-confined:
    private var tracker = ServerSeriesTracker()
    private var csv: CSVLineWriter?
    private var directory: String?
    private var startMark: UInt64 = 0
    private var disabled = false
    private var failed = 0
    private var unparsed = 0
    private var warnings: [String] = []
    private var firstSeconds: Double?
    private var lastSeconds: Double?
    private var startOK = false

    /// Warnings kept in summary.json, and failed scrapes told on the log before going quiet.
    static let maxWarnings = 20, maxLoggedFailures = 3
    public static let csvHeader = ["seconds", "metric", "labels", "value"]

    /// The collector a scenario asks for: none when `server_metrics` is false.
    static func forScenario(_ s: Scenario, baseURL: String, bearerToken: String?, log: @escaping @Sendable (String) -> Void) -> [RunCollector] {
        guard s.serverMetrics.enabled else { return [] }
        return [ServerMetricsCollector(scenario: s, baseURL: baseURL, bearerToken: bearerToken, log: log)]
    }

    init(scenario: Scenario, baseURL: String, bearerToken: String?, log: @escaping @Sendable (String) -> Void) {
        setting = scenario.serverMetrics
        warmup = scenario.health.warmup
        self.log = log
        let interval = setting.interval.seconds
        nextDue = interval
        let timeoutMs = Int(max(0.5, min(2, interval)) * 1000)
        scrape = MetricsScrape(url: setting.resolvedURL(baseURL: baseURL), target: scenario.target, bearerToken: bearerToken,
                               timeoutMs: timeoutMs)
    }

    public func windowWillOpen(resultsDirectory: String) {
        scrapeQueue.sync {
            directory = resultsDirectory
            startMark = DispatchTime.now().uptimeNanoseconds
            startOK = take(at: 0, probing: !setting.explicit)
        }
    }

    public func observe(_ progress: RunProgress) {
        guard progress.elapsedSeconds >= nextDue else { return }
        while nextDue <= progress.elapsedSeconds { nextDue += setting.interval.seconds }
        scrapeQueue.async { [self] in
            guard !disabled else { return }
            _ = take(at: Double(DispatchTime.now().uptimeNanoseconds - startMark) / 1e9, probing: false)
        }
    }

    public func contribute(to summary: inout RunSummary) {
        let view: ServerView? = scrapeQueue.sync {
            guard !disabled else { return nil }
            let endOK = take(at: Double(DispatchTime.now().uptimeNanoseconds - startMark) / 1e9, probing: false)
            var v = ServerView(url: TargetURL.redacted(scrape.url), intervalSeconds: setting.interval.seconds, tracker: tracker, failedScrapes: failed,
                               unparsedLines: unparsed, firstScrapeSeconds: firstSeconds, lastScrapeSeconds: lastSeconds,
                               warnings: warnings)
            if let segment = summary.run.segment {
                // The server counted every segment's requests; this process sent one share. The merged folder checks.
                v.warnings.append("agreement not checked: this process sent segment \(segment) of the load and the server saw all of it; "
                                  + "`lorabench merge` checks the merged result against the server")
            } else if tracker.scrapes > 0 {
                v.agreement = ServerAgreement(client: summary, server: v, warmup: warmup, spansWindow: startOK && endOK)
            }
            return v
        }
        guard let view else { return }
        summary.server = view
        if let a = view.agreement { for w in ServerReport.warnings(a) { log(w) } }
        if let w = view.warnings.last, summary.run.segment != nil, w.hasPrefix("agreement not checked") { log("note: " + w) }
    }

    public func finish(resultsDirectory: String) {
        scrapeQueue.sync {
            do { try csv?.finish() } catch { log("warning: server_metrics.csv: \(error)") }
            csv = nil
        }
    }

    /// One scrape at `seconds` from the window's start: folded, written to the CSV; false when it failed.
    /// `probing`: the first scrape of the default endpoint, whose failure just means the server has no metrics.
    private func take(at seconds: Double, probing: Bool) -> Bool {
        dispatchPrecondition(condition: .onQueue(scrapeQueue))
        let parsed: PromExposition
        switch scrape.get() {
        case .failure(let f):
            return fail("GET \(scrape.url): \(f.description)", probing: probing)
        case .success(let body):
            parsed = PrometheusText.parse(body)
            if parsed.samples.isEmpty && parsed.badLines > 0 {
                let where_ = parsed.firstBadLine.map { " (line \($0.line): \($0.reason))" } ?? ""
                return fail("\(scrape.url) is not Prometheus text\(where_)", probing: probing)
            }
        }
        if parsed.badLines > 0 {
            unparsed += parsed.badLines
            let first = parsed.firstBadLine.map { "line \($0.line): \($0.reason)" } ?? ""
            warn("scrape at \(fmt(seconds))s: \(parsed.badLines) unreadable line(s) skipped (\(first))")
        }
        if parsed.truncated { warn("scrape at \(fmt(seconds))s: more than \(PrometheusText.maxSamples) samples; the rest ignored") }
        tracker.add(ScrapeGroups(parsed))
        if firstSeconds == nil { firstSeconds = seconds }
        lastSeconds = seconds
        write(parsed, seconds: seconds)
        return true
    }

    private func fail(_ raw: String, probing: Bool) -> Bool {
        // The endpoint's URL may carry credentials (`user:token@`, `?key=`): never print or store them.
        let message = TargetURL.redactingURLs(in: raw)
        if probing {
            disabled = true
            log("no server view: \(message) (name the endpoint with \"server_metrics\": {\"url\": …}, or set it to false)")
            return false
        }
        failed += 1
        warn("scrape failed: \(message)")
        if failed <= Self.maxLoggedFailures {
            log("warning: server metrics scrape failed: \(message)" + (failed == Self.maxLoggedFailures ? " (further failures counted in summary.json)" : ""))
        }
        return false
    }

    private func warn(_ m: String) {
        if warnings.count < Self.maxWarnings { warnings.append(m) }
    }

    private func write(_ e: PromExposition, seconds: Double) {
        if csv == nil, let dir = directory {
            do { csv = try CSVLineWriter(path: dir + "/server_metrics.csv", header: Self.csvHeader) } catch {
                log("warning: \(error); server samples not written")
                directory = nil
            }
        }
        guard let csv else { return }
        let t = fmt(seconds)
        // Each row straight into the file's buffer; the labels cell is built in one reused byte buffer.
        var labels: [UInt8] = []
        for s in e.samples {
            labels.removeAll(keepingCapacity: true)
            Self.appendLabels(s.labels, to: &labels)
            csv.appendRow { row in
                row.text(t); row.text(s.name); row.text(utf8: labels); row.text(ServerText.number(s.value))
            }
        }
        try? csv.flush()
    }

    /// Labels as `k=v;k=v` in exposition order; `\`, `;` and newlines in values are escaped as `\\`, `\;` and `\n`.
    static func labels(_ ls: [PromLabel]) -> String {
        var out: [UInt8] = []
        appendLabels(ls, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `labels(_:)` as UTF-8 bytes appended to `out`.
    static func appendLabels(_ ls: [PromLabel], to out: inout [UInt8]) {
        for (i, l) in ls.enumerated() {
            if i > 0 { out.append(0x3B) }
            out.append(contentsOf: l.name.utf8)
            out.append(0x3D)
            for c in l.value.utf8 {
                switch c {
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x3B: out.append(0x5C); out.append(0x3B)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                default: out.append(c)
                }
            }
        }
    }

    private func fmt(_ s: Double) -> String { String(format: "%.3f", max(0, s)) }
}
