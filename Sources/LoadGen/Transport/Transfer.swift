import CCurl
import Foundation
import Stats

/// Connection settings shared by every request of a run (headers list, TLS, timeouts).
/// Threading: created before the run and only read afterwards, from the transport queue.
final class TransferSettings: @unchecked Sendable {  // @unchecked: immutable after init; the slist is only read by curl.
    let headers: UnsafeMutablePointer<curl_slist>?
    /// The lines of `headers`, for a request that adds its own `x-request-id` to them.
    let headerLines: [String]
    /// The scenario sets `x-request-id` itself: lorabench then sends none of its own.
    let scenarioSetsRequestId: Bool
    /// The run's API, chosen once so the per-event path does not switch on it.
    let dialect: any APIDialect
    let requestTimeoutMs: Int
    let idleTimeoutMicros: UInt64
    let maxEventBytes: Int
    let insecure: Bool
    let caFile: String?

    init(scenario: Scenario, bearerToken: String?) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var lines = ["Content-Type: application/json", "Accept: text/event-stream", "Expect:"]
        if let token = bearerToken { lines.append("Authorization: Bearer \(token)") }
        lines += scenario.target.headers.map { "\($0.name): \($0.value)" }
        for l in lines { list = curl_slist_append(list, l) }
        headers = list
        headerLines = lines
        scenarioSetsRequestId = scenario.target.headers.contains { $0.name.lowercased() == "x-request-id" }
        dialect = scenario.target.api.dialect(capturingText: scenario.keepsResponses)
        requestTimeoutMs = Int(scenario.requestTimeout.microseconds / 1000)
        idleTimeoutMicros = UInt64(scenario.streamIdleTimeout.microseconds)
        maxEventBytes = scenario.maxEventBytes
        insecure = scenario.target.insecure
        caFile = scenario.target.caFile
    }

    deinit { curl_slist_free_all(headers) }
}

/// One streaming request on the wire: feeds bytes through the SSE decoder into its record.
/// Threading: confined to the transport queue (curl calls its callbacks there).
final class Transfer: @unchecked Sendable {  // @unchecked: touched only on the transport queue.
    let request: PreparedRequest
    let settings: TransferSettings
    // Unchecked: the transfer is confined to its loop thread, and these two are touched on every token (a dynamic
    // exclusivity check costs more than the SSE step it guards).
    @exclusivity(unchecked) private var builder: RecordBuilder
    let onComplete: (RequestRecord) -> Void
    private(set) var easy: UnsafeMutableRawPointer?
    /// The loop serving this transfer: its batch clock stamps the bytes (it outlives every transfer it serves).
    /// Unmanaged: read on every token, and the loop outlives the transfer; no reference counting on that path.
    private var loop: Unmanaged<CurlMulti>?
    var lastByteMicros: UInt64 = 0
    /// When the stream's final event arrived; the body should end right after it (see `CurlMulti`'s sweep).
    private(set) var finalEventMicros: UInt64?
    var idleTimeoutMicros: UInt64 { settings.idleTimeoutMicros }
    @exclusivity(unchecked) private var decoder: SSEDecoder
    private var status = 0
    private var contentType = ""
    /// A `content-encoding` other than identity: lorabench never asks for one, and cannot read one.
    private var contentEncoding = ""
    /// Decided once per response head, not per body chunk (the per-token path).
    private var isEventStream = false
    /// The body's first-line-of-defence checks (status, content type, encoding) passed for the current response.
    private var bodyAccepted = false
    private var requestId: String?
    private var errorBody: [UInt8] = []
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        p.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return p
    }()
    private var headersDone = false
    /// This response head had LoRAX's `x-model-id` / an `x-adapter-id` (LoRAX sends the latter for every adapter).
    private var sawModelId = false
    private var sawAdapterId = false
    /// The shared header lines plus this request's `x-request-id`; freed with the transfer.
    private var ownHeaders: UnsafeMutablePointer<curl_slist>?
    /// Attempts curl has put on the wire for this request (CURLOPT_PREREQFUNCTION calls).
    private(set) var attempts = 0
    private var attemptSentMicros: UInt64 = 0
    /// Told of each attempt curl re-sent on its own (sent time of the attempt that died, now): the server saw it,
    /// so the results must too.
    var onHiddenRetry: ((_ attemptSentMicros: UInt64, _ now: UInt64) -> Void)?

    init(request: PreparedRequest, settings: TransferSettings, builder: RecordBuilder, onComplete: @escaping (RequestRecord) -> Void) {
        self.request = request
        self.settings = settings
        self.builder = builder
        self.onComplete = onComplete
        decoder = SSEDecoder(maxEventBytes: settings.maxEventBytes)
    }

    deinit {
        errorBuffer.deallocate()
        curl_slist_free_all(ownHeaders)
    }

    func configure(easy h: UnsafeMutableRawPointer, multi: CurlMulti) {
        easy = h
        loop = Unmanaged.passUnretained(multi)
        let me = Unmanaged.passUnretained(self).toOpaque()
        lb_curl_easy_setopt_string(h, CURLOPT_URL, request.url)
        if let id = request.clientRequestId, !settings.scenarioSetsRequestId {
            if ownHeaders == nil {
                for l in settings.headerLines { ownHeaders = curl_slist_append(ownHeaders, l) }
                ownHeaders = curl_slist_append(ownHeaders, "x-request-id: \(id)")
            }
            lb_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, ownHeaders)
        } else {
            lb_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, settings.headers)
        }
        lb_curl_easy_setopt_long(h, CURLOPT_POSTFIELDSIZE, request.body.count)
        request.body.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { lb_curl_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
        }
        lb_curl_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        lb_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        lb_curl_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
        lb_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, settings.requestTimeoutMs)
        lb_curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, min(settings.requestTimeoutMs, 10_000))
        lb_curl_easy_setopt_data_function(h, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        lb_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me)
        lb_curl_easy_setopt_data_function(h, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        lb_curl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me)
        lb_curl_easy_setopt_pointer(h, CURLOPT_PRIVATE, me)
        lb_curl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer)
        lb_curl_easy_setopt_prereq_function(h, curlPrereqCallback)
        lb_curl_easy_setopt_pointer(h, CURLOPT_PREREQDATA, me)
        lb_curl_easy_setopt_closesocket_function(h, curlCloseSocketCallback)
        lb_curl_easy_setopt_pointer(h, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(multi).toOpaque())
        if settings.insecure {
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { lb_curl_easy_setopt_string(h, CURLOPT_CAINFO, ca) }
    }

    /// The request started on the wire at `now`: t_sent, and the start of its idle clock.
    func sent(at now: UInt64) {
        builder.sent(at: now)
        lastByteMicros = now
    }

    /// curl is about to send an attempt of this request: its connection is open (new or reused) and the request's
    /// bytes go out next, so this, not the hand-off, is t_sent. libcurl re-sends a request by itself, with no option to
    /// turn it off, when a reused keep-alive connection dies before any response byte; a second call is that
    /// retry. The attempt that died is reported as a failed request of its own and this one is timed from now.
    func willSendAttempt(at now: UInt64) {
        attempts += 1
        if attempts > 1 { onHiddenRetry?(attemptSentMicros, now) }
        builder.sent(at: now)
        lastByteMicros = now
        attemptSentMicros = now
    }

    /// Fails the request from outside its stream (idle timeout, shutdown); the first failure wins.
    func fail(_ cls: ErrorClass, message: String, at now: UInt64) {
        builder.fail(cls, message: message, at: now)
    }

    /// When the bytes being handled now arrived: the event loop's reading when it first saw this transfer's socket
    /// ready, when that socket is the one being served, and a fresh read otherwise (curl reads other transfers' sockets inside the
    /// same call, bytes that may have come in after the batch began: against a CPU-bound vLLM such stamps made 50 of
    /// 935 requests look sent after their first token). Never earlier than this attempt's send.
    private var batchMicros: UInt64 {
        guard let loop, let easy else { return MonotonicClock.nowMicros() }
        return loop._withUnsafeGuaranteedRef { multi in
            multi.servingEasy == easy && multi.eventMicros >= attemptSentMicros ? multi.eventMicros : MonotonicClock.nowMicros()
        }
    }

    /// Body bytes; returning false makes curl abort the transfer (the failure is already recorded).
    /// The per-token path: no clock read of its own (the batch's), no allocation, response checks done once.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let now = batchMicros
        loop?._withUnsafeGuaranteedRef { $0.trace?.note(.data, arg: bytes.count, easy: easy) }
        lastByteMicros = now
        if !bodyAccepted {
            guard (200..<300).contains(status) else {
                if errorBody.count < 4096 { errorBody.append(contentsOf: bytes.prefix(4096 - errorBody.count)) }
                return true
            }
            if !isEventStream {
                builder.fail(.protocol, message: "response is not an event stream (content-type \"\(contentType)\")", at: now)
                return false
            }
            if !contentEncoding.isEmpty && contentEncoding != "identity" {
                builder.fail(.protocol, message: "response body is content-encoded (\(contentEncoding)), which lorabench did not ask for", at: now)
                return false
            }
            bodyAccepted = true
        }
        let dialect = settings.dialect
        do {
            try decoder.feedPayloads(bytes) { payload in
                builder.observe(try dialect.parse(raw: payload), at: now)
            }
            if finalEventMicros == nil && builder.isComplete { finalEventMicros = now }
        } catch let e as StreamEventParser.Malformed {
            builder.fail(.protocol, message: e.reason, at: now)
            return false
        } catch let e as SSEDecoder.EventTooLarge {
            builder.fail(.protocol, message: "SSE event larger than \(e.limit) bytes (max_event_bytes)", at: now)
            return false
        } catch {
            builder.fail(.protocol, message: "\(error)", at: now)
            return false
        }
        return true
    }

    /// One header line (status line included).
    func header(_ bytes: UnsafeRawBufferPointer) {
        lastByteMicros = batchMicros
        // Read from curl's bytes: only the status line and the headers used become Strings.
        let line = Self.trimmed(bytes[...])
        if line.isEmpty {
            headersDone = true
            // LoRAX names the adapter of every non-base answer: its model header without one means the base model answered.
            if (200..<300).contains(status), sawModelId, !sawAdapterId, !request.adapter.isEmpty { builder.statedBaseModel(by: .header) }
            return
        }
        if line.starts(with: "HTTP/".utf8) {
            guard let text = String(bytes: line, encoding: .utf8) else { return }
            headersDone = false
            bodyAccepted = false
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            contentType = ""
            contentEncoding = ""
            isEventStream = false
            sawModelId = false
            sawAdapterId = false
            return
        }
        guard let colon = line.firstIndex(of: 0x3A) else { return }
        let name = line[..<colon]
        if Self.isName(name, "x-model-id") { sawModelId = true; return }
        let isType = Self.isName(name, "content-type"), isId = !isType && Self.isName(name, "x-request-id")
        let isAdapter = !isType && !isId && Self.isName(name, "x-adapter-id")
        guard isType || isId || isAdapter || Self.isName(name, "content-encoding") else { return }
        guard let value = String(bytes: Self.trimmed(line[(colon + 1)...]), encoding: .utf8) else { return }
        if isType {
            contentType = value.lowercased()
            isEventStream = contentType.contains("text/event-stream")
        } else if isId {
            requestId = value
        } else if isAdapter {
            sawAdapterId = true
            builder.stated(adapter: value, by: .header)
        } else {
            contentEncoding = value.lowercased()
        }
    }

    /// `bytes` without leading and trailing spaces, tabs, CR and LF.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var lo = bytes.startIndex, hi = bytes.endIndex
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        while lo < hi, space(bytes[lo]) { lo += 1 }
        while hi > lo, space(bytes[hi - 1]) { hi -= 1 }
        return bytes[lo..<hi]
    }

    /// A header name equal to lowercase `name`, ignoring ASCII case.
    private static func isName(_ bytes: Slice<UnsafeRawBufferPointer>, _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard bytes.count == n else { return false }
        let expected = name.utf8Start
        var i = 0
        for var a in bytes {
            if a >= 0x41 && a <= 0x5A { a |= 0x20 }
            if a != expected[i] { return false }
            i += 1
        }
        return true
    }

    /// Classifies the outcome once curl is done with the transfer; `curlStatus` and `connectMicros` are curl's own figures.
    func complete(code: CURLcode, status curlStatus: Int, connectMicros: UInt64, at now: UInt64) -> RequestRecord {
        let finalStatus = curlStatus != 0 ? curlStatus : status
        builder.response(status: finalStatus, requestId: requestId, connectMicros: connectMicros)
        if !builder.isComplete && !builder.hasFailure {
            if finalStatus != 0 && !(200..<300).contains(finalStatus) {
                builder.fail(.http, message: "HTTP \(finalStatus): \(Self.errorText(errorBody))", at: now)
            } else if code != CURLE_OK {
                let buffered = String(cString: errorBuffer)
                let detail = buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
                switch code {
                case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_URL_MALFORMAT, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR,
                     CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
                    builder.fail(.connect, message: detail, at: now)
                case CURLE_OPERATION_TIMEDOUT:
                    builder.fail(.timeout, message: "\(detail) (request_timeout)", at: now)
                case CURLE_OUT_OF_MEMORY where !headersDone:
                    // curl's answer to a response head line over its 100 KB limit.
                    builder.fail(.protocol, message: "response header too large for curl (over 100 KB), or out of memory (\(detail))", at: now)
                case CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL:
                    builder.fail(.protocol, message: "the reply is not valid HTTP/1.1: \(detail)", at: now)
                default:
                    builder.fail(.incomplete, message: "\(detail) before the final event", at: now)
                }
            }
        }
        easy = nil
        return builder.finish(at: now)
    }

    /// The server's error message from a JSON `{"error": …}` body, or the body's start as text.
    static func errorText(_ body: [UInt8]) -> String {
        if let message = (try? StreamEventParser.parseError(body))?.errorMessage { return message }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}

let curlWriteCallback: lb_curl_data_callback = { ptr, size, count, userdata in
    let n = size * count
    // The transfer outlives curl's call into it (the multi holds it): no retain and release on every token.
    return Unmanaged<Transfer>.fromOpaque(userdata!)._withUnsafeGuaranteedRef { $0.receive(UnsafeRawBufferPointer(start: ptr, count: n)) } ? n : 0
}

let curlPrereqCallback: lb_curl_prereq_callback = { clientp, _, _, _, _ in
    Unmanaged<Transfer>.fromOpaque(clientp!).takeUnretainedValue().willSendAttempt(at: MonotonicClock.nowMicros())
    return 0  // CURL_PREREQFUNC_OK
}

let curlHeaderCallback: lb_curl_data_callback = { ptr, size, count, userdata in
    let t = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    let n = size * count
    t.header(UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}
