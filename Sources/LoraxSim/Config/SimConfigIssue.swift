@_exported import ConfigIssues

/// One problem in simulator settings; its path is relative to the settings object (`decode_base_ms`,
/// `faults.stream_error_rate`), "" for the object itself.
public typealias SimConfigIssue = ConfigIssue

/// Simulator settings that could not be decoded or validated; `issues` holds every problem found.
public struct SimConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Every problem, in the order found: keys and types in document order, then range checks.
    public var issues: [SimConfigIssue]

    /// An error carrying these issues.
    public init(issues: [SimConfigIssue]) { self.issues = issues }

    /// One `path: message` line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
