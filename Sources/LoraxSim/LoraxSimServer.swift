import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A running simulator. `start` binds (port 0 = any free port) and returns once listening.
///
/// Why one event loop: engine state and every stream write live on a single loop, so the per-token
/// path takes no locks and flushes once per step per channel. The object itself is immutable and
/// Sendable; `requests()` and `stats()` may be called from any thread.
public final class LoraxSimServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let engine: Frontend
    /// The settings the server runs with.
    public let config: SimConfig
    /// The bound TCP port.
    public let port: Int
    /// The bound host as given to `start`.
    public let host: String

    private init(group: MultiThreadedEventLoopGroup, channel: Channel, engine: Frontend, config: SimConfig, host: String, port: Int) {
        self.group = group
        self.channel = channel
        self.engine = engine
        self.config = config
        self.host = host
        self.port = port
    }

    /// "http://HOST:PORT", e.g. "http://127.0.0.1:54321".
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// Validates `config`, binds `host:port` (0 = any free port) and starts serving; returns once listening.
    public static func start(_ config: SimConfig, host: String = "127.0.0.1", port: Int = 0) async throws -> LoraxSimServer {
        let issues = config.validate()
        if !issues.isEmpty { throw SimConfigError(issues: issues) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let engine = Frontend(loop: loop, config: config)
        do {
            try await loop.submit { engine.start() }.get()
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 4096)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let raw = RawWriter()
                        try channel.pipeline.syncOperations.addHandler(raw)
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(HTTPHandler(engine: engine, raw: raw))
                    }
                }
                .bind(host: host, port: port)
                .get()
            let bound = channel.localAddress?.port ?? port
            return LoraxSimServer(group: group, channel: channel, engine: engine, config: config, host: host, port: bound)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes every connection and stops the event loop.
    public func shutdown() async throws {
        let engine = self.engine
        try? await engine.loop.submit { engine.stop() }.get()
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    /// Ground truth, oldest first (at most the latest 200,000); same as GET /sim/requests. Any thread.
    public func requests() -> [SimRequestRecord] { engine.shared.allRecords() }

    /// Counters and scheduling error; same as GET /sim/stats. Any thread.
    public func stats() -> SimStats { engine.shared.snapshot() }

    /// Clears ground truth and counters; same as POST /sim/reset.
    public func reset() async {
        let engine = self.engine
        try? await engine.loop.submit { engine.reset() }.get()
    }
}
