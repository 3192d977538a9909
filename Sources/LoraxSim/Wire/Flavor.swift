/// How a generation route shapes its output.
enum Flavor: Sendable {
    /// /generate, /generate_stream, and the compat routes (`/`, `/invocations`).
    case native
    /// /v1/completions.
    case completions
    /// /v1/chat/completions.
    case chat
}
