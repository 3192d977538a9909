import CCurl
import Foundation

/// One blocking `GET` of a server's Prometheus endpoint with libcurl easy, body capped, off the transport queue.
final class MetricsScrape: @unchecked Sendable {  // @unchecked: immutable after init; the header list is only read by curl.
    /// Bodies beyond this are refused (a hostile or broken server cannot make the scraper's memory grow).
    static let maxBodyBytes = 8 << 20

    /// Why a scrape produced no body.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let url: String
    let timeoutMs: Int
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let insecure: Bool
    private let caFile: String?

    /// Headers are the target's own plus the bearer token (held only in curl's header list, never written anywhere).
    init(url: String, target: Scenario.Target, bearerToken: String?, timeoutMs: Int) {
        self.url = url
        self.timeoutMs = timeoutMs
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var lines = ["Accept: text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5,*/*;q=0.1", "Expect:"]
        if let token = bearerToken { lines.append("Authorization: Bearer \(token)") }
        lines += target.headers.map { "\($0.name): \($0.value)" }
        for l in lines { list = curl_slist_append(list, l) }
        headers = list
        insecure = target.insecure
        caFile = target.caFile
    }

    deinit { curl_slist_free_all(headers) }

    /// The body of a 2xx answer, or why there is none.
    func get() -> Result<[UInt8], Failure> {
        _ = CurlGlobal.ready
        guard let h = curl_easy_init() else { return .failure(Failure(description: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(h) }
        let sink = BodySink(cap: Self.maxBodyBytes)
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        lb_curl_easy_setopt_string(h, CURLOPT_URL, url)
        lb_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        lb_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMs)
        lb_curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs)
        lb_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        lb_curl_easy_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "")  // decoded before the cap applies
        lb_curl_easy_setopt_data_function(h, CURLOPT_WRITEFUNCTION, scrapeWriteCallback)
        lb_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, box.toOpaque())
        if insecure {
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let caFile { lb_curl_easy_setopt_string(h, CURLOPT_CAINFO, caFile) }
        let code = curl_easy_perform(h)
        if sink.overflowed { return .failure(Failure(description: "body larger than \(Self.maxBodyBytes >> 20) MiB")) }
        guard code == CURLE_OK else { return .failure(Failure(description: String(cString: curl_easy_strerror(code)))) }
        var status = 0
        lb_curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else { return .failure(Failure(description: "HTTP \(status)")) }
        return .success(sink.bytes)
    }
}

/// The body as it arrives; touched only by curl's write callback on the thread running `curl_easy_perform`.
private final class BodySink {
    let cap: Int
    var bytes: [UInt8] = []
    var overflowed = false
    init(cap: Int) { self.cap = cap }
}

private let scrapeWriteCallback: lb_curl_data_callback = { ptr, size, n, userdata in
    guard let userdata else { return 0 }
    let sink = Unmanaged<BodySink>.fromOpaque(userdata).takeUnretainedValue()
    let count = size * n
    if sink.bytes.count + count > sink.cap { sink.overflowed = true; return 0 }  // 0 makes curl stop with a write error
    if let ptr, count > 0 { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: count)) }
    return count
}
