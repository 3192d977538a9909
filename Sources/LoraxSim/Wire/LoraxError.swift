import Stats

/// LoRAX error bodies and the fixed messages the simulator sends in them.
enum LoraxError {
    /// `{"error":…,"error_type":…}`.
    static func json(_ message: String, _ type: String) -> String {
        "{\"error\":\(JSONEscape.quoted(message)),\"error_type\":\(JSONEscape.quoted(type))}"
    }

    /// The same as an SSE event.
    static func event(_ message: String, _ type: String) -> String { "data: \(json(message, type))\n\n" }

    /// The message of a simulated `stream_error` fault.
    static let generationFault = "Request failed during generation: Server error: simulated fault"
    /// LoRAX's answer above max_concurrent_requests.
    static let overloaded = "Model is overloaded"
}
