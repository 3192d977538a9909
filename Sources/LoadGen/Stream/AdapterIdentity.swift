/// Whether the adapter a server says answered is the one asked for. LoRAX states it in `x-adapter-id` for every
/// non-base adapter (comma-joined when merged) and sends no header for the base model; OpenAI-style servers state
/// the `model` of each chunk (LoRAX writes "null" there, vLLM the LoRA's name).
public enum AdapterIdentity {
    /// Where the server said it.
    public enum Source: String, Sendable {
        case header = "x-adapter-id"
        case chunkModel = "chunk model"
    }

    public enum Verdict: Equatable, Sendable {
        /// The statement says nothing usable (empty, "null", or a model name when the base model was asked for).
        case unstated
        case confirmed
        case mismatch
    }

    /// `asked` is the request's adapter ("" for the base model).
    public static func judge(asked: String, stated raw: String, source: Source) -> Verdict {
        let stated = raw.trimmingCharacters(in: .whitespaces)
        if stated.isEmpty || stated == "null" { return .unstated }
        switch source {
        case .header:
            // A header for the base model means some adapter answered.
            if asked.isEmpty { return .mismatch }
            let ids = stated.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return ids == asked.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) ? .confirmed : .mismatch
        case .chunkModel:
            // The base model's own name is not known to lorabench, so a chunk cannot show a base request went wrong.
            if asked.isEmpty { return .unstated }
            return stated == asked ? .confirmed : .mismatch
        }
    }
}

import Foundation
