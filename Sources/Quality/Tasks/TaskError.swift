/// A task folder that cannot be used, naming the file (and line, when one is to blame) and what is wrong.
public struct TaskError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `path` or `path:line`.
    public var location: String
    public var message: String

    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
