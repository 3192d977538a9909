import Foundation
import Stats

/// Turns a scenario file (plus `--set` overrides) into a validated `Scenario`, reporting every problem at once.
public enum ScenarioLoader {
    /// Scenario files larger than this are refused before parsing.
    public static let maxFileBytes = 4 << 20

    static let topKeys = [
        "name", "description", "target", "executor", "concurrency", "vus", "duration", "stages", "start_vus",
        "rate", "start_rate", "time_unit", "pre_allocated_vus", "max_vus", "max_queue", "arrival", "burstiness",
        "think_time", "failure_backoff", "vu_start_spread", "request_timeout", "stream_idle_timeout", "graceful_stop", "input_words", "max_new_tokens",
        "word_list", "adapters", "health", "seed", "slo", "parameters", "max_event_bytes", "thresholds", "sweep",
        "server_metrics", "workload", "responses",
    ]

    /// Reads, overrides and validates a scenario file.
    public static func load(path: String, overrides: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Scenario {
        try load(document: try readDocument(path), file: path, overrides: overrides, environment: environment)
    }

    /// Reads a scenario file as JSON; a syntax error names its line and column.
    public static func readDocument(_ path: String) throws -> JSONValue {
        let data = try readFile(path)
        let finding = JSONKeyCheck.check(Array(data))
        let doc: JSONValue
        do { doc = try JSONValue.parse(data) } catch {
            if let finding { throw ScenarioError(file: path, issues: [ScenarioIssue(path: finding.path, message: finding.message)]) }
            throw ScenarioError(file: path, issues: [ScenarioIssue(path: "", message: "not valid JSON: " + JSONSyntaxError.describe(error, in: data))])
        }
        if let finding { throw ScenarioError(file: path, issues: [ScenarioIssue(path: finding.path, message: finding.message)]) }
        return doc
    }

    /// Validates an already-parsed document (used by tests and by `sweep` to derive cells).
    public static func load(document: JSONValue, file: String, overrides: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Scenario {
        var doc = document
        var issues: [ScenarioIssue] = []
        for o in overrides {
            do { doc = try ScenarioOverride.apply(o, to: doc) } catch let e as ScenarioIssue { issues.append(e) }
        }
        var reader = ScenarioReader()
        let scenario = parse(doc, file: file, environment: environment, reader: &reader)
        issues += reader.issues
        guard issues.isEmpty, let scenario else {
            throw ScenarioError(file: file, issues: issues.isEmpty ? [ScenarioIssue(path: "", message: "invalid")] : issues)
        }
        return scenario
    }

    /// Reads a scenario file with the checks every command wants (exists, not a folder, size limit, UTF-8).
    public static func readFile(_ path: String) throws -> Data {
        func fail(_ m: String) -> ScenarioError { ScenarioError(file: path, issues: [ScenarioIssue(path: "", message: m)]) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw fail("no such file") }
        if isDir.boolValue { throw fail("is a directory, expected a JSON scenario file") }
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attrs?[.size] as? NSNumber, size.intValue > maxFileBytes {
            throw fail("file is \(size.intValue) bytes; scenario files are limited to \(maxFileBytes) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw fail("cannot be read (permission denied?)") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxFileBytes + 1)) ?? Data()
        if data.count > maxFileBytes { throw fail("file is over the \(maxFileBytes)-byte limit for scenario files") }
        if String(data: data, encoding: .utf8) == nil {
            let offset = firstInvalidUTF8Offset(data)
            throw fail("not valid UTF-8 (first bad byte at offset \(offset))")
        }
        return data
    }

    /// Byte offset of the first byte that is not part of a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var it = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let ctx) = error {
            if let underlying = ctx.underlyingError as NSError?,
               let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
            return ctx.debugDescription
        }
        return String(describing: error)
    }

    // MARK: - fields

    static func parse(_ doc: JSONValue, file: String, environment: [String: String], reader r: inout ScenarioReader) -> Scenario? {
        guard let top = r.object(doc, "", allowed: topKeys) else { return nil }
        let defaultName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let name = r.string(top, "name", "") ?? defaultName
        if name.isEmpty || name.contains("/") { r.fail("name", "expected a non-empty name without \"/\", got \"\(name)\"") }

        let target = parseTarget(top["target"], environment: environment, &r)
        // A trace sets its own arrivals: its load is made once the trace has been read (below).
        let isTrace = top["workload"]?.objectValue?["source"]?.stringValue == "trace"
        var load = isTrace ? nil : parseLoad(top, &r)
        let arrival = parseArrival(top, &r)
        let maxQueue = r.int(top, "max_queue", "", range: 0...10_000_000) ?? 0
        if maxQueue > 0, case .some(.constantVUs) = load { r.fail("max_queue", "only used by arrival-rate executors") }
        if maxQueue > 0, case .some(.rampingVUs) = load { r.fail("max_queue", "only used by arrival-rate executors") }
        let think = r.duration(top, "think_time", "") ?? .zero
        let backoff = r.duration(top, "failure_backoff", "") ?? .milliseconds(100)
        let spread = r.duration(top, "vu_start_spread", "") ?? .zero
        if spread > .zero, let load, spread >= load.duration { r.fail("vu_start_spread", "must be shorter than the run (\(DurationText.format(load.duration)))") }
        let timeout = r.duration(top, "request_timeout", "", allowZero: false) ?? .seconds(120)
        let idle = r.duration(top, "stream_idle_timeout", "", allowZero: false) ?? .seconds(60)
        let grace = r.duration(top, "graceful_stop", "") ?? .seconds(10)
        let inputWords = r.bounds(top, "input_words", "", range: 1...100_000) ?? (90...110)
        let maxNew = r.bounds(top, "max_new_tokens", "", range: 1...1_000_000) ?? (90...110)
        var words = WordList.builtIn
        let wordListPath = r.string(top, "word_list", "")
        if let p = wordListPath {
            switch BoundedFile.read(p, limit: maxFileBytes) {
            case .failure(let why): r.fail("word_list", "\(p) \(why.reason)")
            case .success(let data):
                if let text = String(data: data, encoding: .utf8) {
                    words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                    if words.isEmpty { r.fail("word_list", "file \(p) holds no words") }
                } else {
                    r.fail("word_list", "\(p) is not valid UTF-8 text")
                }
            }
        }
        let adapters = parseAdapters(top["adapters"], &r)
        let health = parseHealth(top["health"], &r)
        let seed = r.number(top, "seed", "", range: 0...9_007_199_254_740_991, integer: true).map { UInt64($0) } ?? 1
        let slo = parseSLO(top["slo"], &r)
        var parameters: [String: JSONValue] = [:]
        if let p = top["parameters"], p != .null {
            if case .object(let o) = p { parameters = o } else { r.fail("parameters", "expected an object, got \(p.typeName)") }
        }
        let maxEvent = r.int(top, "max_event_bytes", "", range: 1024...(256 << 20)) ?? (1 << 20)
        let thresholds = parseThresholds(top["thresholds"], &r)
        if let s = top["sweep"], s != .null, s.objectValue == nil { r.fail("sweep", "expected an object, got \(s.typeName)") }
        let serverMetrics = parseServerMetrics(top["server_metrics"], &r)
        let workload = WorkloadSetting.parse(top["workload"], adapters: adapters, &r)
        if isTrace {
            if case .trace(let t) = workload.source { load = TraceSetting.load(top, t, &r) } else { load = TraceSetting.load(top, nil, &r) }
        }
        if case .sessions = workload.source, let l = load, l.executorName.hasSuffix("arrival-rate") {
            r.fail("workload.source", "\"sessions\" runs under virtual users (constant-vus or ramping-vus): each VU holds one conversation at a time")
        }
        let responses = r.bool(top, "responses", "") ?? false
        // Evaluation answers are decoded greedily (as the harness scores them), unless the scenario says otherwise.
        if case .task = workload.source, parameters["temperature"] == nil { parameters["temperature"] = .int(0) }

        guard r.issues.isEmpty, let target, let load else { return nil }
        return Scenario(
            name: name, target: target, load: load, arrival: arrival, maxQueue: maxQueue, thinkTime: think, failureBackoff: backoff, vuStartSpread: spread, requestTimeout: timeout,
            streamIdleTimeout: idle, gracefulStop: grace, inputWords: inputWords, maxNewTokens: maxNew,
            wordList: words, wordListPath: wordListPath, adapters: adapters, health: health, seed: seed, slo: slo,
            parameters: parameters, thresholds: thresholds, maxEventBytes: maxEvent, resolvedDocument: redact(doc, target: target),
            serverMetrics: serverMetrics, workload: workload, responses: responses)
    }

    static func parseTarget(_ value: JSONValue?, environment: [String: String], _ r: inout ScenarioReader) -> Scenario.Target? {
        guard let value else { r.fail("target", "required: an object with \"url\", \"gateway\" or \"simulator\""); return nil }
        let allowed = ["url", "gateway", "tenant", "deployment", "scheme", "simulator", "api", "headers",
                       "secret_headers", "auth_env", "insecure", "ca_file"]
        guard let t = r.object(value, "target", allowed: allowed) else { return nil }
        let kinds = ["url", "gateway", "simulator"].filter { t[$0] != nil && t[$0] != .null }
        var endpoint: Scenario.Endpoint?
        if kinds.count != 1 {
            r.fail("target", kinds.isEmpty ? "expected one of \"url\", \"gateway\" or \"simulator\""
                                           : "expected only one of \"url\", \"gateway\" or \"simulator\", got \(kinds.joined(separator: ", "))")
        } else if kinds[0] == "url", let raw = r.string(t, "url", "target") {
            if let url = expand(raw, "target.url", environment, &r) {
                if let why = TargetURL.problem(url) {
                    r.fail("target.url", "\(why), got \"\(TargetURL.redacted(url))\"")
                } else {
                    endpoint = .url(TargetURL.normalized(url))
                }
            }
        } else if kinds[0] == "gateway" {
            let g = r.string(t, "gateway", "target").flatMap { expand($0, "target.gateway", environment, &r) }
            let tenant = r.string(t, "tenant", "target").flatMap { expand($0, "target.tenant", environment, &r) }
            let dep = r.string(t, "deployment", "target").flatMap { expand($0, "target.deployment", environment, &r) }
            let scheme = r.string(t, "scheme", "target") ?? "https"
            if t["tenant"] == nil { r.fail("target.tenant", "required with \"gateway\"") }
            if t["deployment"] == nil { r.fail("target.deployment", "required with \"gateway\"") }
            if scheme != "http" && scheme != "https" { r.fail("target.scheme", "expected \"http\" or \"https\", got \"\(scheme)\"") }
            if let g, let tenant, let dep {
                let host = g.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
                let url = "\(scheme)://\(host.trimmingCharacters(in: CharacterSet(charactersIn: "/")))/\(tenant)/deployments/v2/llms/\(dep)"
                if let why = TargetURL.problem(url) { r.fail("target.gateway", "the URL it makes \(why), got \"\(TargetURL.redacted(url))\"") }
                else { endpoint = .url(url) }
            }
        } else if kinds[0] == "simulator" {
            let s = t["simulator"]!
            if s.objectValue == nil { r.fail("target.simulator", "expected an object (simulator settings), got \(s.typeName)") }
            else { endpoint = .simulator(s) }
        }
        var api = Scenario.API.lorax
        if let a = r.string(t, "api", "target") {
            if let parsed = Scenario.API(rawValue: a) { api = parsed } else {
                r.fail("target.api", "expected one of \(Scenario.API.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(a)\"")
            }
        }
        var headers: [(String, String)] = []
        if let h = t["headers"], h != .null {
            if case .object(let o) = h {
                for k in o.keys.sorted() {
                    guard case .string(let v) = o[k]! else { r.fail("target.headers.\(k)", "expected a string"); continue }
                    if k.isEmpty || !k.unicodeScalars.allSatisfy(Self.isHeaderNameScalar) {
                        r.fail("target.headers.\(k)", "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"); continue
                    }
                    guard let ev = expand(v, "target.headers.\(k)", environment, &r) else { continue }
                    // CR or LF would end the header and start another on the wire (header injection).
                    if ev.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
                        r.fail("target.headers.\(k)", "the value (after ${…} expansion) holds a CR, LF or other control character; header values must be one line")
                        continue
                    }
                    headers.append((k, ev))
                }
            } else { r.fail("target.headers", "expected an object of header names to strings, got \(h.typeName)") }
        }
        var secret = Scenario.Target.defaultSecretHeaders
        if let s = t["secret_headers"], s != .null {
            if let arr = s.arrayValue, arr.allSatisfy({ $0.stringValue != nil }) {
                secret.formUnion(arr.compactMap { $0.stringValue?.lowercased() })
            } else { r.fail("target.secret_headers", "expected an array of header names") }
        }
        let authEnv = r.string(t, "auth_env", "target")
        if let e = authEnv, e.isEmpty || e.contains("=") { r.fail("target.auth_env", "expected an environment variable name, got \"\(e)\"") }
        let insecure = r.bool(t, "insecure", "target") ?? false
        let ca = r.string(t, "ca_file", "target")
        if let ca, !FileManager.default.isReadableFile(atPath: ca) { r.fail("target.ca_file", "cannot read \(ca)") }
        guard let endpoint else { return nil }
        return Scenario.Target(endpoint: endpoint, api: api, headers: headers, secretHeaders: secret, authEnv: authEnv,
                               insecure: insecure, caFile: ca)
    }

    /// RFC 9110 token characters, the only ones a header name may have.
    static func isHeaderNameScalar(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
    }

    /// Arrival rates above this (per second) are refused: a single process cannot start requests faster.
    public static let maxArrivalsPerSecond: Double = 100_000

    static let executors = ["constant-vus", "ramping-vus", "constant-arrival-rate", "ramping-arrival-rate"]

    static func parseLoad(_ top: [String: JSONValue], _ r: inout ScenarioReader) -> Scenario.Load? {
        var executor = r.string(top, "executor", "")
        if let e = executor, !executors.contains(e) {
            r.fail("executor", "expected one of \(executors.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(e)\"")
            return nil
        }
        let hasStages = top["stages"] != nil && top["stages"] != .null
        let hasRate = top["rate"] != nil || top["start_rate"] != nil
        if executor == nil {
            executor = hasRate ? (hasStages ? "ramping-arrival-rate" : "constant-arrival-rate") : (hasStages ? "ramping-vus" : "constant-vus")
        }
        let vusKey = top["vus"] != nil ? "vus" : "concurrency"
        let maxCount = 1_000_000
        switch executor! {
        case "constant-vus":
            let vus = r.int(top, vusKey, "", range: 1...maxCount) ?? 1
            if hasStages { r.fail("stages", "not used by constant-vus; drop \"stages\" or set \"executor\": \"ramping-vus\"") }
            guard let d = r.duration(top, "duration", "", allowZero: false) else {
                if top["duration"] == nil { r.fail("duration", "required (e.g. \"60s\") unless \"stages\" are given") }
                return nil
            }
            return .constantVUs(vus: vus, duration: d)
        case "ramping-vus":
            let start = r.int(top, "start_vus", "", range: 0...maxCount) ?? 1
            if top["duration"] != nil { r.fail("duration", "not used with \"stages\" (the stages set the length)") }
            if top[vusKey] != nil { r.fail(vusKey, "not used by ramping-vus (the stages' targets set the VU count)") }
            guard let stages = parseStages(top, max: Double(maxCount), integer: true, &r) else { return nil }
            return .rampingVUs(startVUs: start, stages: stages)
        default:
            if top[vusKey] != nil { r.fail(vusKey, "not used by \(executor!) (use max_vus to cap requests in flight)") }
            if top["think_time"] != nil { r.fail("think_time", "not used by \(executor!) (arrivals do not wait for each other)") }
            let unit: Duration? = top["time_unit"] == nil ? .seconds(1) : r.duration(top, "time_unit", "", allowZero: false)
            let pre = r.int(top, "pre_allocated_vus", "", range: 1...maxCount)
            let maxVUs = r.int(top, "max_vus", "", range: 1...maxCount)
            let cap = maxVUs ?? pre ?? 100
            if let pre, let maxVUs, maxVUs < pre { r.fail("max_vus", "expected at least pre_allocated_vus (\(pre)), got \(maxVUs)") }
            // Arrivals per second one process can start (each is a request on the wire); above it the schedule
            // would run ahead of the client for the whole run.
            func checkRate(_ v: Double?, _ path: String) {
                guard let v, let unit else { return }
                let perSecond = v / unit.seconds
                if perSecond > maxArrivalsPerSecond {
                    r.fail(path, "\(ScenarioReader.show(v)) per \(DurationText.format(unit)) is \(ScenarioReader.show(perSecond.rounded())) arrivals/s; "
                           + "one lorabench process starts at most \(Int(maxArrivalsPerSecond)) requests/s (split the load over several)")
                }
            }
            if executor == "constant-arrival-rate" {
                let rate = r.number(top, "rate", "", range: 0.000_001...1_000_000)
                if top["rate"] == nil { r.fail("rate", "required for constant-arrival-rate (arrivals per time_unit)") }
                checkRate(rate, "rate")
                let d = r.duration(top, "duration", "", allowZero: false)
                if top["duration"] == nil { r.fail("duration", "required for constant-arrival-rate") }
                guard let rate, let d else { return nil }
                guard let unit else { return nil }
                return .constantArrivalRate(rate: rate, timeUnit: unit, duration: d, preAllocatedVUs: pre ?? cap, maxVUs: cap)
            }
            let start = r.number(top, "start_rate", "", range: 0...1_000_000) ?? 0
            checkRate(start, "start_rate")
            guard let stages = parseStages(top, max: 1_000_000, integer: false, &r) else { return nil }
            for (i, s) in stages.enumerated() { checkRate(s.target, "stages[\(i)].target") }
            guard let unit else { return nil }
            return .rampingArrivalRate(startRate: start, timeUnit: unit, stages: stages, preAllocatedVUs: pre ?? cap, maxVUs: cap)
        }
    }

    static func parseStages(_ top: [String: JSONValue], max: Double, integer: Bool, _ r: inout ScenarioReader) -> [Scenario.Stage]? {
        guard let v = top["stages"] else { r.fail("stages", "required for a ramping executor"); return nil }
        guard case .array(let arr) = v else { r.fail("stages", "expected an array of {duration, target}, got \(v.typeName)"); return nil }
        if arr.isEmpty { r.fail("stages", "expected at least one stage"); return nil }
        var out: [Scenario.Stage] = []
        for (i, s) in arr.enumerated() {
            let p = "stages[\(i)]"
            guard let o = r.object(s, p, allowed: ["duration", "target"]) else { continue }
            let d = r.duration(o, "duration", p)
            let t = r.number(o, "target", p, range: 0...max, integer: integer)
            if o["duration"] == nil { r.fail("\(p).duration", "required") }
            if o["target"] == nil { r.fail("\(p).target", "required") }
            if let d, let t { out.append(Scenario.Stage(duration: d, target: t)) }
        }
        guard out.count == arr.count else { return nil }
        let total = out.reduce(Duration.zero, { $0 + $1.duration })
        if total <= .zero { r.fail("stages", "total duration must be above zero"); return nil }
        // The same bound as one duration: schedules are added up in microseconds.
        if total >= .seconds(1_000_000_000) { r.fail("stages", "total duration must be under 1e9 s, got \(Int64(total.components.seconds)) s"); return nil }
        return out
    }

    static func parseArrival(_ top: [String: JSONValue], _ r: inout ScenarioReader) -> Scenario.Arrival {
        let burst = r.number(top, "burstiness", "", range: 0.01...100)
        guard let a = r.string(top, "arrival", "") else { return burst.map { .gamma(burstiness: $0) } ?? .uniform }
        switch a {
        case "uniform", "constant": return .uniform
        case "poisson": return .poisson
        case "gamma": return .gamma(burstiness: burst ?? 1)
        default:
            r.fail("arrival", "expected \"uniform\", \"poisson\" or \"gamma\", got \"\(a)\"")
            return .uniform
        }
    }

    static func parseAdapters(_ value: JSONValue?, _ r: inout ScenarioReader) -> Scenario.Adapters {
        var result = Scenario.Adapters(ids: [], distribution: .uniform, baseShare: 0)
        guard let value, value != .null else { return result }
        if case .array(let arr) = value {
            if arr.isEmpty { r.fail("adapters", "an empty list; leave \"adapters\" out (or null) to use the base model") }
            result.ids = readIDs(arr, "adapters", &r)
            return result
        }
        let allowed = ["count", "template", "ids", "distribution", "zipf_s", "weights", "base_share"]
        guard let o = r.object(value, "adapters", allowed: allowed) else { return result }
        if o["count"] != nil || o["template"] != nil {
            if o["ids"] != nil { r.fail("adapters", "give either \"ids\" or \"count\"+\"template\", not both") }
            let count = r.int(o, "count", "adapters", range: 0...1_000_000)
            let template = r.string(o, "template", "adapters") ?? "adapter-{i}"
            if o["count"] == nil { r.fail("adapters.count", "required with \"template\"") }
            if !template.contains("{i}") { r.fail("adapters.template", "expected a \"{i}\" placeholder, got \"\(template)\"") }
            if let count { result.ids = (1...max(count, 1)).prefix(count).map { template.replacingOccurrences(of: "{i}", with: String($0)) } }
        } else if let ids = o["ids"] {
            if case .array(let arr) = ids {
                if arr.isEmpty { r.fail("adapters.ids", "an empty list; leave \"adapters\" out to use the base model") }
                result.ids = readIDs(arr, "adapters.ids", &r)
            } else { r.fail("adapters.ids", "expected an array of adapter ids, got \(ids.typeName)") }
        }
        result.baseShare = r.number(o, "base_share", "adapters", range: 0...1) ?? 0
        let weights = o["weights"]
        switch r.string(o, "distribution", "adapters") ?? (weights != nil ? "weights" : "uniform") {
        case "uniform": result.distribution = .uniform
        case "round-robin": result.distribution = .roundRobin
        case "zipf": result.distribution = .zipf(exponent: r.number(o, "zipf_s", "adapters", range: 0.01...10) ?? 1.0)
        case "weights":
            guard let w = weights?.arrayValue else { r.fail("adapters.weights", "required with distribution \"weights\": one number per adapter"); break }
            let nums = w.enumerated().compactMap { r.number($1, "adapters.weights[\($0)]", range: 0...1e12) }
            if nums.count == w.count {
                if nums.count != result.ids.count { r.fail("adapters.weights", "expected \(result.ids.count) weights (one per adapter), got \(nums.count)") }
                else if nums.reduce(0, +) <= 0 { r.fail("adapters.weights", "expected at least one weight above zero") }
                else { result.distribution = .weights(nums) }
            }
        case let other:
            r.fail("adapters.distribution", "expected \"uniform\", \"round-robin\", \"zipf\" or \"weights\", got \"\(other)\"")
        }
        return result
    }

    static func readIDs(_ arr: [JSONValue], _ path: String, _ r: inout ScenarioReader) -> [String] {
        var ids: [String] = []
        for (i, v) in arr.enumerated() {
            guard case .string(let s) = v else { r.fail("\(path)[\(i)]", "expected an adapter id string, got \(v.typeName) \(v.brief)"); continue }
            if s.isEmpty { r.fail("\(path)[\(i)]", "an empty id; use \"base_share\" to send base-model traffic") }
            ids.append(s)
        }
        return ids
    }

    static func parseHealth(_ value: JSONValue?, _ r: inout ScenarioReader) -> Scenario.Health {
        var h = Scenario.Health(enabled: true, interval: .seconds(1), timeout: .seconds(60), warmup: true)
        guard let value, value != .null else { return h }
        if case .bool(let b) = value { h.enabled = b; h.warmup = b; return h }
        guard let o = r.object(value, "health", allowed: ["enabled", "interval", "timeout", "warmup"]) else { return h }
        h.enabled = r.bool(o, "enabled", "health") ?? true
        h.interval = r.duration(o, "interval", "health", allowZero: false) ?? h.interval
        h.timeout = r.duration(o, "timeout", "health", allowZero: false) ?? h.timeout
        h.warmup = r.bool(o, "warmup", "health") ?? h.enabled
        return h
    }

    /// `{"ttft.p95": "< 500", "error_rate": ["< 0.01", ...]}` or k6's `{"ttft": ["p(95)<500", {"threshold": "p(99)<1s",
    /// "abortOnFail": true, "delayAbortEval": "10s"}], "ttft{adapter:org/a1}": ["p(95)<800"]}`, keys sorted for stable output.
    static func parseThresholds(_ value: JSONValue?, _ r: inout ScenarioReader) -> [Threshold] {
        guard let value, value != .null else { return [] }
        guard case .object(let o) = value else { r.fail("thresholds", "expected an object of metric: \"< value\", got \(value.typeName)"); return [] }
        var out: [Threshold] = []
        for key in o.keys.sorted() {
            let exprs: [(String, JSONValue)]
            if case .array(let a) = o[key]! { exprs = a.enumerated().map { ("thresholds.\(key)[\($0)]", $1) } }
            else { exprs = [("thresholds.\(key)", o[key]!)] }
            for (path, e) in exprs {
                var text: String?, abort = false, delay = 0.0
                switch e {
                case .string(let t): text = t
                case .object:
                    guard let spec = r.object(e, path, allowed: ["threshold", "abortOnFail", "delayAbortEval"]) else { continue }
                    text = r.string(spec, "threshold", path)
                    if text == nil, spec["threshold"] == nil { r.fail(path + ".threshold", "missing: the expression, e.g. \"p(95)<500\"") }
                    abort = r.bool(spec, "abortOnFail", path) ?? false
                    delay = r.duration(spec, "delayAbortEval", path)?.seconds ?? 0
                    if spec["delayAbortEval"] != nil, !abort { r.fail(path + ".delayAbortEval", "only means something with \"abortOnFail\": true") }
                default:
                    r.fail(path, "expected a string like \"< 500\" or \"p(95)<500\", or {\"threshold\": …, \"abortOnFail\": true}, got \(e.typeName) \(e.brief)")
                }
                guard let text else { continue }
                do { out.append(try Threshold.parse(metric: key, expression: text, abortOnFail: abort, delayAbortEvalSeconds: delay)) }
                catch { r.fail(path, "\(error)") }
            }
        }
        return out
    }

    static func parseSLO(_ value: JSONValue?, _ r: inout ScenarioReader) -> SLO {
        guard let value, value != .null, let o = r.object(value, "slo", allowed: ["ttft_ms", "tpot_ms", "e2e_ms"]) else { return SLO() }
        let range = 0.001...86_400_000.0
        return SLO(ttftMs: r.number(o, "ttft_ms", "slo", range: range), tpotMs: r.number(o, "tpot_ms", "slo", range: range),
                   e2eMs: r.number(o, "e2e_ms", "slo", range: range))
    }

    /// Expands `${NAME}` and `${NAME:-default}` from the environment.
    static func expand(_ text: String, _ path: String, _ env: [String: String], _ r: inout ScenarioReader) -> String? {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                r.fail(path, "unterminated \"${\" in \"\(text)\"")
                return nil
            }
            let body = rest[start.upperBound..<end]
            let parts = body.components(separatedBy: ":-")
            let name = parts[0]
            if let v = env[name], !v.isEmpty { out += v }
            else if parts.count > 1 { out += parts.dropFirst().joined(separator: ":-") }
            else {
                r.fail(path, "environment variable \(name) is not set (write ${\(name):-default} to give a default)")
                return nil
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    /// The document with secret header values blanked, for summary.json.
    static func redact(_ doc: JSONValue, target: Scenario.Target) -> JSONValue {
        guard case .object(var top) = doc, case .object(var t)? = top["target"] else { return doc }
        if case .object(var h)? = t["headers"] {
            for k in h.keys where target.isSecret(header: k) { h[k] = .string("[redacted]") }
            t["headers"] = .object(h)
        }
        // Credentials in the URL itself: userinfo and query values.
        for key in ["url", "gateway"] { if case .string(let u)? = t[key] { t[key] = .string(TargetURL.redacted(u)) } }
        if case .object(var s)? = t["simulator"], s["api_token"] != nil { s["api_token"] = .string("[redacted]"); t["simulator"] = .object(s) }
        top["target"] = .object(t)
        return .object(top)
    }
}
