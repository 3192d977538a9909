import ConfigIssues
extension SimConfig {
    /// Names accepted by `profile(_:)` and the `"profile"` key.
    public static var profileNames: [String] { ["a100-7b", "fast", "bench"] }

    /// The defaults of a named profile; throws `SimConfigError` at path `profile` for an unknown name (with a did-you-mean).
    public static func profile(_ name: String) throws -> SimConfig {
        var c = SimConfig()
        switch name {
        case "a100-7b":
            break
        case "fast":
            c.profile = "fast"
            c.prefillBaseMs = 2
            c.prefillPerTokenMs = 0.01
            c.decodeBaseMs = 2
            c.decodePerSequenceMs = 0.01
            c.decodePerAdapterMs = 0.1
            c.maxBatchSize = 32
            c.maxBatchTotalTokens = 65_536
            c.maxActiveAdapters = 4
            c.adapterLoadMs = 20
            c.adapterCycleTimeMs = 200
        case "bench":
            c.profile = "bench"
            c.maxConcurrentRequests = 100_000
            c.prefillBaseMs = 1
            c.prefillPerTokenMs = 0.001
            c.decodeBaseMs = 20
            c.decodePerSequenceMs = 0.002
            c.decodePerAdapterMs = 0.01
            c.maxBatchSize = 100_000
            c.maxBatchTotalTokens = 1 << 40
            c.maxActiveAdapters = 1024
            c.adapterLoadMs = 50
            c.recordTokenTimes = false
            c.replicas = 16
            c.stepJitter = 0.05
        default:
            let guess = Suggestion.closest(to: name, in: profileNames).map { "did you mean \"\($0)\"? " } ?? ""
            throw SimConfigError(issues: [SimConfigIssue(path: CodingKeys.profile.stringValue,
                                                         message: "unknown profile \"\(name)\" (\(guess)known: \(profileNames.joined(separator: ", ")))")])
        }
        return c
    }
}
