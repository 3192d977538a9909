/// The kinds of injected fault, as recorded in `SimRequestRecord.fault`.
///
/// Declared in precedence order: when the rules of several kinds fire for one request, the first
/// case wins. What each looks like on the wire is in `FaultResponse.swift` and docs/simulator.md.
public enum SimFaultKind: String, Codable, Sendable, CaseIterable {
    /// HTTP 503 JSON `{"error":"Service Unavailable: simulated fault","error_type":"unavailable"}` before any stream.
    case httpError = "http_error"
    /// In-stream `{"error":"Request failed during generation: Server error: simulated fault","error_type":"generation"}`
    /// then the end of the body (non-stream: 424 with that JSON).
    case streamError = "stream_error"
    /// TCP reset mid-stream (SO_LINGER 0), no final event.
    case disconnect
    /// Clean end of the chunked body after some tokens, no final event (non-stream: connection closed without a response).
    case incomplete
    /// A `data: {broken\n\n` event mid-stream, then the body ends (non-stream: body `{broken`).
    case malformed
    /// No writes for `SimFaults.stallMs` mid-stream (keep-alives still flow), then the stream continues normally.
    case stall
    /// The stream completes normally but as another adapter: its `x-adapter-id` and its text are that adapter's
    /// (a prompt cache or adapter slot mixed up), so identity checks and canaries have something to catch.
    case wrongAdapter = "wrong_adapter"
}
