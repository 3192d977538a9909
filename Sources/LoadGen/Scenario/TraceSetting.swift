import Stats

extension Scenario.Workload {
    /// `{"source": "trace", "file", "format", "speed", "adapters", "adapter_column", "block_words"}`: a timestamped
    /// replay, streamed at run time; checked line by line at validation.
    public struct Trace: Sendable {
        /// How a line gets its adapter.
        public enum AdapterRule: String, Sendable, CaseIterable {
            /// The line's own adapter field (`adapter`, or `adapter_column`); a line without one goes to the base model.
            case column
            /// A stable hash of the line's first `hash_ids` entry (else its session, else its line number) picks one
            /// of the scenario's adapter ids, so requests sharing a prefix share an adapter.
            case hash
            /// The scenario's adapter mix, as for any other workload.
            case mix
        }

        public var file: String
        public var format: TraceFormat
        /// Time runs this many times faster than the trace's (2 halves every gap).
        public var speed: Double
        public var adapters: AdapterRule
        public var adapterColumn: String?
        /// Words per Mooncake hash block.
        public var blockWords: Int
        /// Lines with an arrival, and the offset of the last one after `speed` (from validation).
        public var lines: Int
        public var spanMicros: UInt64

        /// A trace offset in microseconds after `speed`.
        public func scaled(_ micros: Int64) -> UInt64 { UInt64((Double(max(micros, 0)) / speed).rounded()) }
    }
}

/// Decodes a `trace` workload, reads the whole file once as a stream to check every line (a bad line is named by
/// its number; timestamps must not go back), and sets the run's load from it.
enum TraceSetting {
    static let keys = ["file", "format", "speed", "adapters", "adapter_column", "block_words"]
    /// The load keys a trace run takes: the trace sets the arrivals, these bound the run.
    static let loadKeys = ["duration", "max_vus", "pre_allocated_vus"]

    static func parse(_ o: [String: JSONValue], adapterIds: [String], _ r: inout ScenarioReader) -> Scenario.Workload.Trace? {
        guard let file = r.string(o, "file", "workload") else {
            if o["file"] == nil { r.fail("workload.file", "required: a trace file") }
            return nil
        }
        let known = r.issues.count
        let format = WorkloadSetting.option(o, "format", &r) ?? (file.lowercased().hasSuffix(".csv") ? TraceFormat.azure : .lorabench)
        let speed = r.number(o, "speed", "workload", range: 0.001...1000) ?? 1
        let column = r.string(o, "adapter_column", "workload")
        let rule = WorkloadSetting.option(o, "adapters", &r)
            ?? (format == .lorabench || column != nil ? Scenario.Workload.Trace.AdapterRule.column : .mix)
        guard r.issues.count == known else { return nil }
        if rule == .hash && adapterIds.isEmpty { r.fail("workload.adapters", "\"hash\" picks one of the scenario's adapters, but \"adapters\" lists none") }
        if rule == .column && format == .azure && column == nil {
            r.fail("workload.adapters", "Azure traces have no adapter column: name one with \"adapter_column\", or use \"hash\" or \"mix\"")
        }
        if rule == .column && format == .mooncake && column == nil {
            r.fail("workload.adapters", "Mooncake traces have no adapter field: name one with \"adapter_column\", or use \"hash\" or \"mix\"")
        }
        let block = r.int(o, "block_words", "workload", range: 1...100_000) ?? 512
        guard r.issues.isEmpty else { return nil }
        var t = Scenario.Workload.Trace(file: file, format: format, speed: speed, adapters: rule, adapterColumn: column,
                                         blockWords: block, lines: 0, spanMicros: 0)
        guard scan(&t, &r) else { return nil }
        return t
    }

    /// Reads every line once (streamed), filling in `lines` and `spanMicros`; false when a line is bad.
    static func scan(_ t: inout Scenario.Workload.Trace, _ r: inout ScenarioReader) -> Bool {
        let reader: LineReader
        do { reader = try LineReader(path: t.file) } catch let f as LineReader.Failure {
            r.fail("workload.file", "\(t.file) \(f.message)"); return false
        } catch { r.fail("workload.file", "\(t.file): \(error)"); return false }
        var problems = DatasetFile.Problems(file: t.file)
        var header: [String] = []
        var first: Int64?, last: Int64 = 0, count = 0
        do {
            while let text = try reader.next() {
                if text.allSatisfy({ $0.isWhitespace }) { continue }
                if t.format.hasHeader && header.isEmpty {
                    header = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    let needed = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"] + (t.adapterColumn.map { [$0] } ?? [])
                    for n in needed where !header.contains(n) {
                        problems.add(reader.lineNumber, "no column \"\(n)\" in the header (columns: \(header.joined(separator: ", ")))")
                    }
                    if !problems.list.isEmpty { break }
                    continue
                }
                do {
                    let e = try t.format.parse(text, line: reader.lineNumber, header: header, adapterColumn: t.adapterColumn)
                    if first != nil, e.timestampMicros < last {
                        problems.add(reader.lineNumber, "the timestamp goes back in time (traces must be in time order)")
                        continue
                    }
                    if first == nil { first = e.timestampMicros }
                    last = e.timestampMicros
                    count += 1
                } catch let e as TraceLineError { problems.add(reader.lineNumber, e.message) }
            }
        } catch let f as LineReader.Failure {
            problems.list.append("\(t.file) \(f.message)")
        } catch { problems.list.append("\(t.file): \(error)") }
        for p in problems.finished { r.fail("workload.file", p) }
        guard problems.list.isEmpty else { return false }
        guard count > 0, let first else { r.fail("workload.file", "\(t.file) holds no arrivals"); return false }
        t.lines = count
        t.spanMicros = t.scaled(last - first)
        return true
    }

    /// The load of a trace run: the trace's arrivals, bounded by `duration` (default: the trace's span after
    /// `speed` plus 1 ms, since lines at or past `duration` are not replayed; a line due at the very end is still
    /// sent however late the process is, see `ArrivalExecutor.endSchedule`) and `max_vus` in flight; keys that
    /// would set other arrivals are refused.
    static func load(_ top: [String: JSONValue], _ trace: Scenario.Workload.Trace?, _ r: inout ScenarioReader) -> Scenario.Load? {
        for key in ["executor", "rate", "start_rate", "stages", "time_unit", "vus", "concurrency", "start_vus", "think_time", "arrival", "burstiness"]
        where top[key] != nil {
            r.fail(key, "not used with a trace workload (the trace's timestamps set the arrivals; use duration, max_vus and max_queue)")
        }
        let pre = r.int(top, "pre_allocated_vus", "", range: 1...1_000_000)
        let maxVUs = r.int(top, "max_vus", "", range: 1...1_000_000) ?? pre ?? 100
        if let pre, pre > maxVUs { r.fail("max_vus", "expected at least pre_allocated_vus (\(pre)), got \(maxVUs)") }
        let given = r.duration(top, "duration", "", allowZero: false)
        guard let trace else { return nil }
        let duration = given ?? .microseconds(Int64(trace.spanMicros) + 1_000)
        let rate = Double(trace.lines) / max(duration.seconds, 0.001)
        return .constantArrivalRate(rate: rate, timeUnit: .seconds(1), duration: duration, preAllocatedVUs: pre ?? maxVUs, maxVUs: maxVUs)
    }
}
