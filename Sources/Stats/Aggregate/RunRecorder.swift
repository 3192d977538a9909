import Foundation

/// Where every measured record goes: folded into the aggregate, streamed to requests.csv, counted in the
/// current interval (timeseries.csv, live progress). Memory stays flat however many requests a run makes.
/// Threading: not thread-safe; the run calls it from its one stats queue.
public final class RunRecorder {
    public let directory: String
    public let windowStartMicros: UInt64
    public private(set) var aggregate = Aggregate()
    public private(set) var interval = IntervalSnapshot()
    private let slo: SLO
    private let requestsCSV: CSVLineWriter
    private let timeseriesCSV: CSVLineWriter
    /// requests.jsonl, when the run asked for it.
    private let requestsJSONL: CSVLineWriter?
    private var second = 0
    /// Totals since the start, for the progress line.
    public private(set) var liveTTFT = LatencyHistogram()
    /// Tokens counted in the second they arrived (streaming.csv).
    public private(set) var streaming = StreamingRate()
    /// First touches against the repeats in flight beside them.
    public private(set) var firstTouch = FirstTouchPenalty()

    public init(directory: String, windowStartMicros: UInt64, slo: SLO, jsonLines: Bool = false) throws {
        self.directory = directory
        self.windowStartMicros = windowStartMicros
        self.slo = slo
        requestsCSV = try CSVLineWriter(path: directory + "/requests.csv", header: RequestsCSV.header)
        timeseriesCSV = try CSVLineWriter(path: directory + "/timeseries.csv", header: IntervalSnapshot.csvHeader)
        requestsJSONL = jsonLines ? try CSVLineWriter(linesAt: directory + "/requests.jsonl") : nil
    }

    public func add(_ r: RequestRecord) {
        aggregate.add(r, slo: slo)
        interval.add(r)
        firstTouch.add(r)
        streaming.add(r, windowStartMicros: windowStartMicros)
        if let t = r.ttftMicros, r.succeeded { liveTTFT.record(t) }
        let start = windowStartMicros
        requestsCSV.appendRow { RequestsCSV.write(r, windowStartMicros: start, to: &$0) }
        if let jsonl = requestsJSONL {
            jsonl.appendLine(RequestsJSONL.line(header: RequestsCSV.header, row: RequestsCSV.row(r, windowStartMicros: start)))
        }
    }

    /// Closes the current interval with the executor's active VU count; returns it for the progress line.
    @discardableResult
    public func closeInterval(activeVUs: Int) -> IntervalSnapshot {
        var done = interval
        done.activeVUs = activeVUs
        second += 1
        timeseriesCSV.append(done.csvRow(second: second))
        interval = IntervalSnapshot()
        // Both files reach the disk once a second, so a killed run keeps all but its last second.
        try? requestsCSV.flush()
        try? timeseriesCSV.flush()
        try? requestsJSONL?.flush()
        return done
    }

    /// The first write to a result file that failed (disk full, I/O error); the run must stop when it is set.
    public var writeFailure: ResultWriteError? { requestsCSV.failure ?? timeseriesCSV.failure ?? requestsJSONL?.failure }

    /// Closes both files under their `.partial` names, which hold every whole row written before the failure.
    public func abandon() {
        requestsCSV.abandon()
        timeseriesCSV.abandon()
        requestsJSONL?.abandon()
    }

    /// Writes the final files: closes both CSVs (renamed into place) and writes summary.json atomically.
    /// `amend` adds what collectors contribute (the server's view) before the file is written.
    public func finish(run: RunSummary.Run, scenario: JSONValue, thresholds: [Threshold], dropped: Int, interrupted: Int,
                       amend: (inout RunSummary) -> Void = { _ in }) throws -> RunSummary {
        if interval.requests > 0 { closeInterval(activeVUs: 0) }
        aggregate.dropped = dropped
        aggregate.interrupted = interrupted
        try requestsCSV.finish()
        try timeseriesCSV.finish()
        try requestsJSONL?.finish()
        try AtomicFile.write(Data(streaming.csv.utf8), to: directory + "/streaming.csv")
        var summary = RunSummary(run: run, scenario: scenario, slo: slo, aggregate: aggregate)
        summary.firstTouch = firstTouch.rows
        // Collectors' sections first: thresholds may look at them (quality{task:x}.accuracy).
        amend(&summary)
        summary.thresholds = thresholds.map { $0.evaluate(summary) }
        try AtomicFile.write(try summary.encoded(), to: directory + "/summary.json")
        return summary
    }
}
