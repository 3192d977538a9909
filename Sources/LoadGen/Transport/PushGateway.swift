import CCurl
import Foundation
import Stats

/// `--push-gateway URL`: one blocking `PUT` of a run's Prometheus text to a Pushgateway, grouped by scenario and tags,
/// so a night replaces the previous one whole (PUT replaces every series of the group; POST would keep stale ones).
public enum PushGateway {
    /// Why a push did not land.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The group's URL: `<base>/metrics/job/lorabench/scenario@base64/<…>/<tag>@base64/<…>`. Every value is
    /// base64url-encoded (the Pushgateway's own escape), so names with `/` or spaces stay one path segment.
    public static func groupURL(base: String, scenario: String, tags: [String: String]) -> String {
        func b64(_ v: String) -> String {
            let e = Data(v.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            return e.isEmpty ? "=" : e  // the Pushgateway spells an empty value as a lone "="
        }
        var url = base.hasSuffix("/") ? String(base.dropLast()) : base
        url += "/metrics/job/lorabench/scenario@base64/" + b64(scenario)
        for (k, v) in tags.sorted(by: { $0.key < $1.key }) { url += "/\(k)@base64/" + b64(v) }
        return url
    }

    /// PUTs `body` (text exposition 0.0.4) to the group; the error names the status and the gateway's own words.
    public static func put(_ body: String, to url: String, timeoutMs: Int = 10_000) -> Result<Void, Failure> {
        _ = CurlGlobal.ready
        guard let h = curl_easy_init() else { return .failure(Failure(description: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(h) }
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Content-Type: text/plain; version=0.0.4")
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }
        let reply = ReplyText()
        let box = Unmanaged.passRetained(reply)
        defer { box.release() }
        lb_curl_easy_setopt_string(h, CURLOPT_URL, url)
        lb_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        lb_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMs)
        lb_curl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, "PUT")
        lb_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        let bytes = Array(body.utf8)
        lb_curl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
        let code: CURLcode = bytes.withUnsafeBufferPointer { buf in
            lb_curl_easy_setopt_pointer(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
            lb_curl_easy_setopt_data_function(h, CURLOPT_WRITEFUNCTION, replyWriteCallback)
            lb_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, box.toOpaque())
            return curl_easy_perform(h)
        }
        guard code == CURLE_OK else { return .failure(Failure(description: String(cString: curl_easy_strerror(code)))) }
        var status = 0
        lb_curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else {
            let said = String(decoding: reply.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(Failure(description: "HTTP \(status)" + (said.isEmpty ? "" : ": " + said)))
        }
        return .success(())
    }
}

/// The first KiB of the gateway's answer, for the error message; the rest is read and dropped.
private final class ReplyText {
    var bytes: [UInt8] = []
}

private let replyWriteCallback: lb_curl_data_callback = { ptr, size, n, userdata in
    guard let userdata else { return 0 }
    let reply = Unmanaged<ReplyText>.fromOpaque(userdata).takeUnretainedValue()
    let count = size * n
    if let ptr, count > 0, reply.bytes.count < 1024 {
        reply.bytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: min(count, 1024 - reply.bytes.count)))
    }
    return count
}
