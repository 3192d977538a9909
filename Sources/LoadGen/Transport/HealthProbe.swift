import CCurl
import Foundation

/// Waits for `GET {base}/health` to answer 200, as the LoRA Land script did before measuring.
enum HealthProbe {
    struct Failure: Error, CustomStringConvertible {
        var url: String
        var waited: Duration
        var last: String
        var description: String {
            "\(TargetURL.redacted(url)) did not answer 200 within \(DurationText.format(waited)) (last attempt: \(last)); is the gateway running?"
        }
    }

    /// How long the wait stays silent before it says, once, what it is waiting for.
    static let quietSeconds: TimeInterval = 5

    /// Polls until healthy, the timeout passes (throws `Failure`) or `cancelled()` turns true; after
    /// `quietSeconds` of failed probes `progress` is told once what the last one answered.
    static func wait(baseURL: String, settings: TransferSettings, interval: Duration, timeout: Duration,
                     cancelled: @Sendable () -> Bool, progress: (String) -> Void = { _ in }) throws {
        let url = TargetURL.join(baseURL, "/health")
        let started = Date()
        let deadline = started.addingTimeInterval(timeout.seconds)
        var last = "no attempt"
        var told = false
        while !cancelled() {
            let (status, detail) = probe(url, settings: settings, timeoutMs: Int(min(interval.seconds, 5) * 1000) + 1000)
            if status == 200 { return }
            last = status == 0 ? detail : "HTTP \(status)"
            if !told && Date().timeIntervalSince(started) >= quietSeconds {
                told = true
                let left = max(0, Int(deadline.timeIntervalSinceNow.rounded()))
                progress("still waiting for \(TargetURL.redacted(url)) to answer 200: last attempt \(last); giving up in \(left) s")
            }
            if Date() >= deadline { break }
            Thread.sleep(forTimeInterval: min(interval.seconds, max(0.01, deadline.timeIntervalSinceNow)))
        }
        throw Failure(url: url, waited: timeout, last: last)
    }

    static func probe(_ url: String, settings: TransferSettings, timeoutMs: Int) -> (Int, String) {
        _ = CurlGlobal.ready
        guard let h = curl_easy_init() else { return (0, "curl_easy_init failed") }
        defer { curl_easy_cleanup(h) }
        lb_curl_easy_setopt_string(h, CURLOPT_URL, url)
        lb_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        lb_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMs)
        lb_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, settings.headers)
        lb_curl_easy_setopt_data_function(h, CURLOPT_WRITEFUNCTION) { _, size, n, _ in size * n }
        if settings.insecure {
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            lb_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { lb_curl_easy_setopt_string(h, CURLOPT_CAINFO, ca) }
        let code = curl_easy_perform(h)
        var status = 0
        lb_curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return (status, String(cString: curl_easy_strerror(code)))
    }
}
