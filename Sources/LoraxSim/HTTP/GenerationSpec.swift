/// A validated-or-not generation request, as parsed by the HTTP layer.
struct GenerationSpec {
    var id: String
    var route: String
    var flavor: Flavor
    var stream: Bool
    /// POST / or /invocations with stream=false answers `[ {...} ]`.
    var compatArray: Bool
    var adapter: String
    var inputTokens: Int
    var inputChars: Int
    /// nil when the client sent none.
    var maxNewTokens: Int?
    var details: Bool
    var inputsEmpty: Bool
    /// A stream-only rejection (best_of, decoder_input_details), already worded.
    var streamRejection: String?
    var receivedNanos: UInt64
}
