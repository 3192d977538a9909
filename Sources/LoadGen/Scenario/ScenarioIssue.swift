@_exported import ConfigIssues

/// One problem found in a scenario, located by its JSON path (`stages[1].duration`).
public typealias ScenarioIssue = ConfigIssue

/// Every problem of a scenario at once; nothing is sent when this is thrown.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [ScenarioIssue]

    public init(file: String, issues: [ScenarioIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let head = "invalid scenario \(file) (\(issues.count) problem\(issues.count == 1 ? "" : "s")):"
        return ([head] + issues.map { "  - \($0)" }).joined(separator: "\n")
    }
}
