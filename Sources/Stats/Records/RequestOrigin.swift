/// Where a request's contents came from in a workload, so a result row can be traced back to its trace line,
/// conversation turn or shared-prefix group; every field is nil for sources that have no such notion (random words).
public struct RequestOrigin: Sendable, Equatable {
    /// 1-based line of the trace (or dataset row) the request was made from.
    public var line: Int?
    /// The conversation the request belongs to (`sessions`, or a trace's `session` column).
    public var session: String?
    /// 1-based turn within `session`.
    public var turn: Int?
    /// Which shared-prefix group the prompt starts with (`shared_prefix`), 0-based.
    public var prefixGroup: Int?
    /// True for the run's first request carrying `prefixGroup`'s prefix to its adapter (nothing could have cached it yet).
    public var prefixFirst: Bool?

    public init(line: Int? = nil, session: String? = nil, turn: Int? = nil, prefixGroup: Int? = nil, prefixFirst: Bool? = nil) {
        self.line = line; self.session = session; self.turn = turn; self.prefixGroup = prefixGroup; self.prefixFirst = prefixFirst
    }
}
