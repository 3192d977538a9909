import Stats

extension Scenario {
    /// `server_metrics`: the server's Prometheus endpoint, scraped at the window's start, every `interval` and at its end.
    public struct ServerMetrics: Sendable, Equatable {
        /// False turns scraping off (`"server_metrics": false`).
        public var enabled = true
        /// An absolute URL, or a path (`/metrics`) on the target's base URL; nil is the target's `/metrics`.
        public var url: String?
        public var interval: Duration = .seconds(5)

        /// True when the user named the endpoint: a failure to scrape it is then a warning, not a quiet "no server view".
        public var explicit: Bool { url != nil }

        public init(enabled: Bool = true, url: String? = nil, interval: Duration = .seconds(5)) {
            self.enabled = enabled; self.url = url; self.interval = interval
        }

        /// The URL to scrape for a target at `baseURL`.
        public func resolvedURL(baseURL: String) -> String {
            guard let url else { return TargetURL.join(baseURL, "/metrics") }
            return url.hasPrefix("/") ? TargetURL.join(baseURL, url) : url
        }
    }
}

extension ScenarioLoader {
    /// `true`/`false`, or `{"url": "...", "interval": "5s"}`.
    static func parseServerMetrics(_ value: JSONValue?, _ r: inout ScenarioReader) -> Scenario.ServerMetrics {
        var m = Scenario.ServerMetrics()
        guard let value, value != .null else { return m }
        if case .bool(let b) = value { m.enabled = b; return m }
        guard let o = r.object(value, "server_metrics", allowed: ["url", "interval", "enabled"]) else { return m }
        m.enabled = r.bool(o, "enabled", "server_metrics") ?? true
        if let u = r.string(o, "url", "server_metrics") {
            if u.hasPrefix("/") || u.hasPrefix("http://") || u.hasPrefix("https://") { m.url = u }
            else { r.fail("server_metrics.url", "expected an http(s) URL or a path starting with /, got \"\(u)\"") }
        }
        if let d = r.duration(o, "interval", "server_metrics", allowZero: false) {
            if d < .seconds(1) { r.fail("server_metrics.interval", "expected at least 1s (scrapes follow the once-a-second tick)") }
            else { m.interval = d }
        }
        return m
    }
}
