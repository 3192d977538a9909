import NIOCore

/// One replica's open SSE streams and the keep-alive sweep over them: every stream that wrote
/// nothing for `keep_alive_seconds` gets the comment `:\n\n`. One periodic sweep for all streams,
/// not a timer per stream.
///
/// Threading: a plain value inside `Engine`, engine-loop confined; the engine runs the repeating task.
struct KeepAliveSweep {
    private static let comment = Vocab.chunkFramed(":\n\n")
    private let idleNanos: UInt64
    /// How often the engine should call `sweep()`: a quarter of the keep-alive interval, within [5 ms, 1 s].
    let period: TimeAmount
    private var streams: [ObjectIdentifier: SimRequest] = [:]

    init(config: SimConfig) {
        idleNanos = UInt64(config.keepAliveSeconds * 1e9)
        period = .nanoseconds(Int64(max(0.005, min(1.0, config.keepAliveSeconds / 4)) * 1e9))
    }

    /// Watches the stream of `r`.
    mutating func add(_ r: SimRequest) { streams[ObjectIdentifier(r)] = r }

    /// Stops watching `r` (it ended or left).
    mutating func remove(_ r: SimRequest) { streams.removeValue(forKey: ObjectIdentifier(r)) }

    /// Writes a keep-alive comment to every idle stream; returns how many were written.
    func sweep() -> Int {
        guard !streams.isEmpty else { return 0 }
        let now = monoNanos()
        var n = 0
        for r in streams.values where now &- r.lastWriteNanos >= idleNanos {
            r.lastWriteNanos = now
            r.sink?.sinkWriteFramed(KeepAliveSweep.comment)
            n += 1
        }
        return n
    }
}
