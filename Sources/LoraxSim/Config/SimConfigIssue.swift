/// One problem in simulator settings, located by its JSON path.
public struct SimConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted JSON path relative to the settings object (`decode_base_ms`, `faults.stream_error_rate`); "" for the object itself.
    public var path: String
    /// What is wrong, e.g. `must be in [0, 1]`.
    public var message: String

    /// An issue at `path` (relative to the settings object).
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone for the object itself.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Simulator settings that could not be decoded or validated; `issues` holds every problem found.
public struct SimConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Every problem, in the order found: keys and types in document order, then range checks.
    public var issues: [SimConfigIssue]

    /// An error carrying these issues.
    public init(issues: [SimConfigIssue]) { self.issues = issues }

    /// One `path: message` line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
