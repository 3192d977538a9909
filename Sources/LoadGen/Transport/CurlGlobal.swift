import CCurl

/// libcurl's process-wide setup, done exactly once: `curl_global_init` is not thread-safe and must precede
/// every other curl call, so it sits behind a Swift global (initialised once, atomically).
enum CurlGlobal {
    static let ready: Void = { _ = lb_curl_global_init_all() }()
}
