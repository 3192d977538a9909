import Stats

/// Where a run stands, handed to collectors once a second during the measured window.
public struct RunProgress: Sendable {
    public var elapsedSeconds: Double
    public var scheduledSeconds: Double
    public var activeVUs: Int
    /// What completed in the last second.
    public var interval: IntervalSnapshot
    public var succeeded: Int
    public var failed: Int
    /// Median TTFT so far in microseconds; nil before the first successful request.
    public var ttftP50Micros: UInt64?
}

/// Something that runs beside a run and adds to it (the live progress line, the server-metrics scraper),
/// so Runner need not grow a branch for each. Threading: every call comes from the runner's stats queue, in order.
public protocol RunCollector: AnyObject, Sendable {
    /// Once a second during the measured window.
    func observe(_ progress: RunProgress)
    /// The window has closed and the results folder holds its files; a collector may add its own there.
    func finish(resultsDirectory: String)
    /// The warm-up is over and the window opens as soon as this returns (so be brief: it delays the first request).
    func windowWillOpen(resultsDirectory: String)
    /// The window has closed and the client's summary is complete; a collector may add its section before summary.json is written.
    func contribute(to summary: inout RunSummary)
    /// One measured request's record, as it is folded into the run (the quality collector scores it).
    func record(_ record: RequestRecord)
    /// Requests to send one at a time after the warm-up, before the window, while nothing else runs (golden
    /// canaries' idle answers), each with a tag handed back to `idleAnswered`.
    func idleRequests() -> [(tag: Int, prompt: Prompt)]
    /// The record of idle request `tag`.
    func idleAnswered(tag: Int, record: RequestRecord)
}

extension RunCollector {
    /// Most collectors need nothing before the window.
    public func windowWillOpen(resultsDirectory: String) {}
    /// Most collectors add nothing to the summary.
    public func contribute(to summary: inout RunSummary) {}
    /// Most collectors do not look at single requests.
    public func record(_ record: RequestRecord) {}
    /// Most collectors send nothing of their own.
    public func idleRequests() -> [(tag: Int, prompt: Prompt)] { [] }
    public func idleAnswered(tag: Int, record: RequestRecord) {}
}
