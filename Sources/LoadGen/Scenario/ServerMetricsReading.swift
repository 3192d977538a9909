import Stats

extension Scenario.ServerMetrics {
    /// The URL to scrape for a target at `baseURL`.
    public func resolvedURL(baseURL: String) -> String {
        guard let url else { return TargetURL.join(baseURL, "/metrics") }
        return url.hasPrefix("/") ? TargetURL.join(baseURL, url) : url
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
