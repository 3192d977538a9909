/// One problem in a configuration (a scenario, simulator settings), located by its dotted JSON path
/// (`stages[1].duration`), so every checker reports problems the same way and all of them at once.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted JSON path from the checked object's root; "" for the object itself.
    public var path: String
    /// What is wrong, e.g. `must be in [0, 1]`.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone for the object itself.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The same issue seen from a parent object, under `prefix` (`target.simulator`).
    public func nested(under prefix: String) -> ConfigIssue {
        ConfigIssue(path: path.isEmpty ? prefix : prefix + "." + path, message: message)
    }
}
