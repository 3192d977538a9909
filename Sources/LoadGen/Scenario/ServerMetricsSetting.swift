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
    }
}
