import Foundation

/// The segment folders of one run (`run --segment i/n`, one per process or pod) made into one result folder that
/// `report`, `compare` and the dashboard read as a single run: aggregates (HDR histograms) added exactly, requests.csv
/// concatenated with a `segment` column and its offsets moved onto the merged window, timeseries.csv rebuilt on
/// wall-clock seconds, first touches decided across segments, the server's view kept once, thresholds evaluated on
/// the whole. Refuses folders that are not every segment of one run exactly once, saying which and why.
public enum SegmentMerge {
    /// One segment folder as read: where it is, its summary and its place in the split.
    public struct Part: Sendable {
        public var path: String
        public var summary: RunSummary
        public var index: Int
        public var count: Int
    }

    /// Most the segments' windows may spread beyond the longest one (late starts, slow stops), seconds.
    static let maxSpread = 3600.0
    /// Longest merged window accepted (31 days), seconds: a row a second is written for it.
    static let maxSpan = 31 * 86400.0

    /// Columns of requests.csv the merge reads (it keeps every column as written).
    static let needed = ["sequence", "adapter", "cold", "intended_ms", "sent_ms", "ttft_ms", "e2e_ms", "output_tokens", "error_class"]

    /// `i/n` as summary.json `run.segment` holds it; nil when it is not one.
    public static func parseSegment(_ text: String) -> (index: Int, count: Int)? {
        let p = text.split(separator: "/", omittingEmptySubsequences: false)
        guard p.count == 2, let i = Int(p[0]), let n = Int(p[1]), n >= 1, i >= 0, i < n else { return nil }
        return (i, n)
    }

    /// Checks that `runs` (path, summary) are every segment of one run, each once; returns them in index order.
    public static func check(_ runs: [(path: String, summary: RunSummary)]) throws -> [Part] {
        var parts: [Part] = []
        for (path, s) in runs {
            guard let text = s.run.segment else {
                throw SummaryReadError(message: "\(path): not a segment of a run (summary.json has no run.segment); "
                                       + "whole runs merge into one summary with `merge SUMMARY… --out FILE`")
            }
            guard let (i, n) = parseSegment(text) else { throw SummaryReadError(message: "\(path): run.segment \"\(text)\" is not i/n") }
            parts.append(Part(path: path, summary: s, index: i, count: n))
        }
        guard let first = parts.first else { throw SummaryReadError(message: "no segments to merge") }
        for p in parts.dropFirst() {
            if p.count != first.count {
                throw SummaryReadError(message: "\(p.path): segment \(p.index)/\(p.count) is from a \(p.count)-way split, "
                                       + "\(first.path) from a \(first.count)-way one")
            }
            if p.summary.run.runId != first.summary.run.runId {
                throw SummaryReadError(message: "\(p.path): run id \(p.summary.run.runId ?? "(none)") differs from \(first.summary.run.runId ?? "(none)") "
                                       + "in \(first.path); these are segments of different runs")
            }
            if p.summary.scenario != first.summary.scenario {
                throw SummaryReadError(message: "\(p.path): scenario differs from \(first.path)'s ("
                                       + differences(p.summary.scenario, first.summary.scenario) + "); segments must run the same scenario")
            }
        }
        var byIndex: [Int: String] = [:]
        for p in parts {
            if let other = byIndex[p.index] {
                throw SummaryReadError(message: "segment \(p.index)/\(p.count) appears twice: \(other) and \(p.path)")
            }
            byIndex[p.index] = p.path
        }
        let missing = (0..<first.count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw SummaryReadError(message: "run \(first.summary.run.runId ?? "(no id)") is missing segment"
                                   + (missing.count == 1 ? " " : "s ") + missing.prefix(20).map { "\($0)/\(first.count)" }.joined(separator: ", ")
                                   + (missing.count > 20 ? " and \(missing.count - 20) more" : "")
                                   + " (have " + parts.map { "\($0.index)/\($0.count)" }.sorted().joined(separator: ", ") + ")")
        }
        return parts.sorted { $0.index < $1.index }
    }

    /// Which top-level fields of two scenario documents differ, for the refusal.
    static func differences(_ a: JSONValue, _ b: JSONValue) -> String {
        guard case .object(let x) = a, case .object(let y) = b else { return "not the same document" }
        let keys = Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
        return keys.isEmpty ? "not the same document" : "differs in " + keys.prefix(5).joined(separator: ", ")
    }

    /// Reads every segment's files, checks them against their summaries, and writes the merged folder `out`
    /// (which must exist and hold no run). Nothing is left in `out` when it fails.
    public static func merge(_ parts: [Part], into out: String, version: String) throws -> RunSummary {
        var written: [String] = []
        do {
            return try write(parts, into: out, version: version, written: &written)
        } catch {
            for f in written { unlink(f) }
            throw error
        }
    }

    /// What the merge keeps of a row between reading and writing (~50 bytes): the fields are read again to be written.
    private struct Row {
        var segment: Int32
        var cold: Bool
        var succeeded: Bool
        var adapter: Int32
        var sequence: Int
        var sentAbs: Int64
        var endAbs: Int64
        /// Microseconds; -1 when the row has none.
        var ttft: Int64
        var outputTokens: Int
    }

    /// The columns of one requests.csv by name, checked to hold what the merge reads.
    private static func columns(_ h: [String], _ file: String) throws -> [String: Int] {
        var col: [String: Int] = [:]
        for (i, name) in h.enumerated() where col[name] == nil { col[name] = i }
        if let missing = needed.first(where: { col[$0] == nil }) { throw SummaryReadError(message: "\(file): no \(missing) column") }
        if col["segment"] != nil { throw SummaryReadError(message: "\(file): already has a segment column (a merged folder, not a segment)") }
        return col
    }

    /// Every record of `file` after its header (the header goes to `header`), mapped rather than read whole.
    private static func eachRow(_ file: String, header: (([String]) throws -> Void), _ body: (Int, [String]) throws -> Void) throws {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) else {
            throw SummaryReadError(message: "\(file): cannot be read")
        }
        var first = true
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            try CSVRecords.forEach(raw, source: file) { line, fields in
                if first { first = false; try header(fields) } else { try body(line, fields) }
            }
        }
        if first { throw SummaryReadError(message: "\(file): empty (no header)") }
    }

    private static func write(_ parts: [Part], into out: String, version: String, written: inout [String]) throws -> RunSummary {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func instant(_ p: Part, _ text: String, _ field: String) throws -> Int64 {
            guard let d = iso.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
                throw SummaryReadError(message: "\(p.path)/summary.json: run.\(field) \"\(text)\" is not an RFC 3339 time")
            }
            return Int64((d.timeIntervalSince1970 * 1_000_000).rounded())
        }
        let starts = try parts.map { try instant($0, $0.summary.run.startedAt, "started_at") }
        let ends = try parts.map { try instant($0, $0.summary.run.endedAt, "ended_at") }
        let windowStart = starts.min()!
        let windowEnd = ends.max()!
        // Segments of one run share a window (--start-at): a late one is fine, one from another day is not, and the
        // merged timeseries.csv must stay as long as a run.
        let first = starts.firstIndex(of: windowStart)!, last = ends.firstIndex(of: windowEnd)!
        let longest = parts.map(\.summary.run.windowSeconds).max()!
        let span = Double(windowEnd - windowStart) / 1e6
        guard span >= 0, span <= min(longest + Self.maxSpread, Self.maxSpan) else {
            throw SummaryReadError(message: "\(parts[last].path) ended \(Int(span)) s after \(parts[first].path) started, more than the longest "
                                   + "window (\(Int(longest)) s) and an hour: these segments did not run together")
        }

        // First pass over every segment's requests.csv: checked against its summary and the split, kept compactly.
        var header: [String]?
        var rows: [Row] = []
        var adapters: [String] = [], adapterIndex: [String: Int32] = [:]
        var seen = Set<Int>()
        for (k, p) in parts.enumerated() {
            let file = p.path + "/requests.csv"
            var col: [String: Int] = [:]
            var count = 0
            try eachRow(file, header: { h in
                if let header, header != h { throw SummaryReadError(message: "\(file): columns differ from \(parts[0].path)/requests.csv's") }
                header = h
                col = try columns(h, file)
            }) { line, f in
                func fail(_ what: String) -> SummaryReadError { SummaryReadError(message: "\(file):\(line): \(what)") }
                guard f.count == header!.count else { throw fail("\(f.count) fields, the header has \(header!.count)") }
                let seqText = f[col["sequence"]!]
                guard let seq = Int(seqText), seq >= 0 else { throw fail("sequence \"\(seqText)\" is not a request number") }
                guard seq % p.count == p.index else {
                    throw fail("sequence \(seq) is not segment \(p.index)/\(p.count)'s (\(seq) mod \(p.count) = \(seq % p.count))")
                }
                guard seen.insert(seq).inserted else { throw fail("sequence \(seq) appears twice") }
                func ms(_ name: String) throws -> Int64 {
                    guard let v = CSVRecords.micros(f[col[name]!]) else { throw fail("\(name) \"\(f[col[name]!])\" is not milliseconds") }
                    return v
                }
                let sent = try ms("sent_ms"), e2e = try ms("e2e_ms")
                guard starts[k] + sent + e2e <= windowEnd + Int64(maxSpread * 1e6), e2e >= 0 else {
                    throw fail("sent_ms + e2e_ms ends more than an hour after the last segment's window; not a request of this run")
                }
                let succeeded = f[col["error_class"]!].isEmpty
                var ttft: Int64 = -1
                if succeeded && !f[col["ttft_ms"]!].isEmpty {
                    ttft = try ms("ttft_ms")
                    guard ttft >= 0 else { throw fail("ttft_ms \"\(f[col["ttft_ms"]!])\" is negative") }
                }
                let name = f[col["adapter"]!]
                let a: Int32
                if let i = adapterIndex[name] { a = i } else { a = Int32(adapters.count); adapterIndex[name] = a; adapters.append(name) }
                rows.append(Row(segment: Int32(k), cold: f[col["cold"]!] == "1", succeeded: succeeded, adapter: a, sequence: seq,
                                sentAbs: starts[k] + sent, endAbs: starts[k] + sent + e2e, ttft: ttft,
                                outputTokens: succeeded ? Int(f[col["output_tokens"]!]) ?? 0 : 0))
                count += 1
            }
            if count != p.summary.aggregate.completed {
                throw SummaryReadError(message: "\(file) has \(count) rows but its summary.json counts \(p.summary.aggregate.completed) "
                                       + "completed requests; the folder is incomplete")
            }
        }
        let h = header!
        let col = try columns(h, parts[0].path + "/requests.csv")

        // First touches across segments: of the rows each segment saw first for an adapter, the earliest sent is the
        // run's first touch; the others were warm (another segment had touched the adapter before).
        var firstTouch: [Int32: Int] = [:]
        for (i, r) in rows.enumerated() where r.cold {
            if let j = firstTouch[r.adapter] {
                let o = rows[j]
                if (r.sentAbs, r.segment, r.sequence) < (o.sentAbs, o.segment, o.sequence) { firstTouch[r.adapter] = i }
            } else {
                firstTouch[r.adapter] = i
            }
        }
        let coldRows = Set(firstTouch.values)

        var aggregate = Aggregate()
        for p in parts { aggregate.merge(p.summary.aggregate) }
        var cold = TrackedMetric(), warm = TrackedMetric()
        var adapterCold: [String: TrackedMetric] = [:], adapterWarm: [String: TrackedMetric] = [:]
        for (i, r) in rows.enumerated() where r.ttft >= 0 {
            let t = UInt64(r.ttft), name = adapters[Int(r.adapter)]
            if coldRows.contains(i) { cold.record(t); adapterCold[name, default: TrackedMetric()].record(t) }
            else { warm.record(t); adapterWarm[name, default: TrackedMetric()].record(t) }
        }
        let summed = aggregate.coldTTFT.count + aggregate.warmTTFT.count
        guard cold.count + warm.count == summed else {
            throw SummaryReadError(message: "the segments' requests.csv hold \(cold.count + warm.count) first-token times of succeeded requests, "
                                   + "their summaries \(summed); a requests.csv does not belong to its summary.json")
        }
        aggregate.coldTTFT = cold
        aggregate.warmTTFT = warm
        for k in aggregate.adapters.keys {
            aggregate.adapters[k]!.coldTTFT = adapterCold[k] ?? TrackedMetric()
            aggregate.adapters[k]!.warmTTFT = adapterWarm[k] ?? TrackedMetric()
        }

        // summary.json's run block: one run of the whole load over the wall-clock span the segments covered.
        let run0 = parts[0].summary.run
        var info = RunSummary.Run(
            scenarioName: run0.scenarioName, executor: run0.executor, target: run0.target, api: run0.api, lorabenchVersion: version,
            host: "merged from \(parts.count) segments: " + Array(Set(parts.map(\.summary.run.host))).sorted().joined(separator: " | "),
            startedAt: iso.string(from: Date(timeIntervalSince1970: Double(windowStart) / 1e6)),
            endedAt: iso.string(from: Date(timeIntervalSince1970: Double(windowEnd) / 1e6)),
            windowSeconds: (Double(windowEnd - windowStart) / 1000).rounded() / 1000,
            interrupted: parts.contains { $0.summary.run.interrupted },
            requestedRate: parts.allSatisfy { $0.summary.run.requestedRate != nil }
                ? RunSummary.round3(parts.compactMap(\.summary.run.requestedRate).reduce(0, +)) : nil,
            scheduledSeconds: parts.compactMap(\.summary.run.scheduledSeconds).max())
        info.runId = run0.runId
        info.segments = parts.map { "\($0.index)/\($0.count)" }
        info.startAt = run0.startAt
        info.startLateSeconds = parts.compactMap(\.summary.run.startLateSeconds).max()
        info.clientCPUWait = RunSummary.CPUWait.merged(parts.compactMap(\.summary.run.clientCPUWait))
        info.realtimeLoop = parts.allSatisfy { $0.summary.run.realtimeLoop == true } ? true : nil
        info.tags = run0.tags
        // An abortOnFail threshold that stopped any segment stopped part of the load early: the whole run says so.
        info.abortedByThreshold = parts.lazy.compactMap(\.summary.run.abortedByThreshold).first
        var summary = RunSummary(run: info, scenario: parts[0].summary.scenario, slo: parts[0].summary.slo, aggregate: aggregate)
        summary.thresholds = try parts[0].summary.thresholds.map { r in
            do { return try Threshold.parse(metric: r.metric, expression: r.expression).evaluate(summary) } catch {
                throw SummaryReadError(message: "\(parts[0].path)/summary.json: threshold \(r.metric) \(r.expression): \(error)")
            }
        }
        // The server was scraped by every segment; its view is kept once, with its agreement checked against the whole
        // load rather than one share: the view of the segment that ended last (the first of those, on a tie), whose end
        // scrape followed every segment's last request. The lowest segment's could precede another's last completions
        // (a run's three processes once read 117 requests on the server for 118 sent).
        let serverPart = parts.indices.filter { parts[$0].summary.server != nil }.max { ends[$0] < ends[$1] }.map { parts[$0] }
        if let sp = serverPart, var view = sp.summary.server {
            view.warnings.removeAll { $0.hasPrefix("agreement not checked: this process sent segment") }
            if view.scrapes > 0 {
                // Its window opened with the others' (shared --start-at) and ended last, so its scrapes bracket the whole load.
                // Its start scrape is at 0 and its end scrape after its window when both were read.
                let spans = (view.firstScrapeSeconds.map { $0 <= 0.001 } ?? false)
                    && (view.lastScrapeSeconds.map { $0 >= sp.summary.run.windowSeconds - 0.001 } ?? false)
                view.agreement = ServerAgreement(client: summary, server: view, warmup: sp.summary.run.warmup != nil,
                                                 spansWindow: spans)
            }
            summary.server = view
        }

        // requests.csv: every segment's rows in segment order (a second pass over the files), offsets from the merged
        // window's start, first touches decided across segments, and the segment each came from.
        let requests = try CSVLineWriter(path: out + "/requests.csv", header: h + ["segment"])
        written.append(requests.tmpPath)
        var i = 0
        for (k, p) in parts.enumerated() {
            let shift = starts[k] - windowStart, file = p.path + "/requests.csv"
            try eachRow(file, header: { _ in }) { line, fields in
                guard i < rows.count, rows[i].segment == Int32(k), Int(fields[col["sequence"]!]) == rows[i].sequence else {
                    throw SummaryReadError(message: "\(file):\(line): changed while it was being merged")
                }
                var f = fields
                for name in ["intended_ms", "sent_ms"] {
                    let c = col[name]!
                    if let v = CSVRecords.micros(f[c]) { f[c] = CSVRecords.msText(v + shift) }
                }
                if rows[i].cold { f[col["cold"]!] = coldRows.contains(i) ? "1" : "0" }
                f.append(String(p.index))
                requests.append(f)
                i += 1
            }
        }
        guard i == rows.count else { throw SummaryReadError(message: "a segment's requests.csv changed while it was being merged") }
        try requests.finish()
        written.append(requests.path)

        // timeseries.csv on the merged window's seconds: row m holds what completed in second m (from requests.csv),
        // and the segments' active VUs at the end of that second summed (each segment's row moved by its start offset).
        var perSecond: [Int: (requests: Int, errors: Int, tokens: Int, ttft: [UInt64])] = [:]
        var lastSecond = Int((windowEnd - windowStart + 999_999) / 1_000_000)
        for r in rows {
            let m = max(1, Int((r.endAbs - windowStart + 999_999) / 1_000_000))
            lastSecond = max(lastSecond, m)
            var cell = perSecond[m] ?? (0, 0, 0, [])
            cell.requests += 1
            if !r.succeeded { cell.errors += 1 } else {
                cell.tokens = cell.tokens.plusSaturating(r.outputTokens)
                if r.ttft >= 0 { cell.ttft.append(UInt64(r.ttft)) }
            }
            perSecond[m] = cell
        }
        // Each segment's per-second files (timeseries.csv's active VUs, streaming.csv) move onto the merged window by
        // its start offset, in whole seconds.
        let secondOffsets = starts.map { Int((Double($0 - windowStart) / 1e6).rounded()) }
        var activeVUs: [Int: Int] = [:]
        for (k, p) in parts.enumerated() {
            let offset = secondOffsets[k]
            for row in ResultFiles.timeseries(besides: p.path) {
                guard let s = row["second"].flatMap({ Int($0) }), let a = row["active_vus"].flatMap({ Int($0) }) else { continue }
                activeVUs[s + offset, default: 0] += a
                lastSecond = max(lastSecond, s + offset)
            }
        }
        let series = try CSVLineWriter(path: out + "/timeseries.csv", header: IntervalSnapshot.csvHeader)
        written.append(series.tmpPath)
        if lastSecond > 0 {
            for m in 1...lastSecond {
                var snap = IntervalSnapshot()
                if let c = perSecond[m] {
                    snap.requests = c.requests
                    snap.errors = c.errors
                    snap.outputTokens = c.tokens
                    for t in c.ttft { snap.ttft.record(t) }
                }
                snap.activeVUs = activeVUs[m] ?? 0
                series.append(snap.csvRow(second: m))
            }
        }
        try series.finish()
        written.append(series.path)

        // streaming.csv: each segment's seconds moved by its offset, token events and tokens summed; not written when
        // no segment has one (older runs).
        var streamed: [Int: (events: Int, tokens: Double)] = [:]
        var lastStreamed = 0
        for (k, p) in parts.enumerated() {
            let offset = secondOffsets[k]
            for row in ResultFiles.streaming(besides: p.path) {
                guard let s = row["second"].flatMap({ Int($0) }), s >= 1, s <= StreamingRate.maxSeconds,
                      let e = row["token_events"].flatMap({ Int($0) }), e >= 0,
                      let t = row["output_tokens"].flatMap({ Double($0) }), t.isFinite, t >= 0 else {
                    throw SummaryReadError(message: "\(p.path)/streaming.csv: a row is not a second, token events and tokens")
                }
                let m = s + offset
                guard m >= 1 else { continue }
                streamed[m, default: (0, 0)].events = streamed[m, default: (0, 0)].events.plusSaturating(e)
                streamed[m, default: (0, 0)].tokens += t
                lastStreamed = max(lastStreamed, m)
            }
        }
        if lastStreamed > 0 {
            var rows = StreamingRate()
            for m in 1...lastStreamed { rows.set(second: m, events: streamed[m]?.events ?? 0, tokens: streamed[m]?.tokens ?? 0) }
            try AtomicFile.write(Data(rows.csv.utf8), to: out + "/streaming.csv")
            written.append(out + "/streaming.csv")
        }

        if let sp = serverPart, let data = FileManager.default.contents(atPath: sp.path + "/server_metrics.csv") {
            try AtomicFile.write(data, to: out + "/server_metrics.csv")
            written.append(out + "/server_metrics.csv")
        }
        try AtomicFile.write(try summary.encoded(), to: out + "/summary.json")
        return summary
    }
}
