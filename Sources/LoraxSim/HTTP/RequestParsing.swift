import NIOCore

/// An axum-style plain-text rejection of a request body.
struct BodyRejection: Error {
    var status: Int
    var message: String
}

/// Parses generation request bodies with axum/serde-like errors.
///
/// Why: lorabench must classify LoRAX's plain-text 400/422 rejections; the messages follow serde's
/// wording ("missing field `inputs` at line 1 column 2"), with an approximate position.
enum RequestParsing {
    static func deserializeError(_ detail: String, _ body: [UInt8]) -> BodyRejection {
        BodyRejection(status: 422, message: "Failed to deserialize the JSON body into the target type: \(detail) at \(position(body))")
    }

    /// serde reports the position where it noticed the problem; we report the end of the document.
    static func position(_ body: [UInt8]) -> String {
        var line = 1, col = 0
        for b in body { if b == UInt8(ascii: "\n") { line += 1; col = 0 } else { col += 1 } }
        return "line \(line) column \(col)"
    }

    static func parseJSON(_ body: [UInt8]) throws(BodyRejection) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch let e as JSONSyntaxError {
            throw BodyRejection(status: 400, message: "Failed to parse the request body as JSON: \(e)")
        } catch {
            throw BodyRejection(status: 400, message: "Failed to parse the request body as JSON: \(error)")
        }
    }

    private static func optString(_ v: JSONValue?, _ path: String, _ body: [UInt8]) throws(BodyRejection) -> String? {
        switch v {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case let other?: throw deserializeError("\(path): invalid type: \(other.serdeKind), expected a string", body)
        }
    }

    private static func optUInt32(_ v: JSONValue?, _ path: String, _ body: [UInt8]) throws(BodyRejection) -> Int? {
        switch v {
        case nil, .null?: return nil
        case let .number(n)?:
            guard n == n.rounded(), n >= 0 else {
                throw deserializeError("\(path): invalid value: \(v!.serdeKind), expected u32", body)
            }
            guard n <= 4_294_967_295 else { throw deserializeError("\(path): invalid value: \(v!.serdeKind), expected u32", body) }
            return Int(n)
        case let other?: throw deserializeError("\(path): invalid type: \(other.serdeKind), expected u32", body)
        }
    }

    /// A `temperature` of exactly 0 (greedy); anything else, absent included, samples.
    private static func isZero(_ v: JSONValue?) -> Bool {
        if case let .number(n)? = v { return n == 0 }
        return false
    }

    private static func bool(_ v: JSONValue?, _ path: String, _ body: [UInt8], nullable: Bool = false) throws(BodyRejection) -> Bool? {
        switch v {
        case nil: return nil
        case .null?: if nullable { return nil }; throw deserializeError("\(path): invalid type: null, expected a boolean", body)
        case let .bool(b)?: return b
        case let other?: throw deserializeError("\(path): invalid type: \(other.serdeKind), expected a boolean", body)
        }
    }

    /// /generate, /generate_stream, / and /invocations (`compat`: the `stream` key decides).
    static func native(_ body: [UInt8], stream routeStream: Bool, compat: Bool) throws(BodyRejection) -> GenerationSpec {
        let root = try parseJSON(body)
        guard case .object = root else { throw deserializeError("invalid type: \(root.serdeKind), expected struct GenerateRequest", body) }
        guard let inputsValue = root["inputs"] else { throw deserializeError("missing field `inputs`", body) }
        guard case let .string(inputs) = inputsValue else {
            throw deserializeError("inputs: invalid type: \(inputsValue.serdeKind), expected a string", body)
        }
        var stream = routeStream
        if compat { stream = try bool(root["stream"], "stream", body) ?? false }
        var adapter = ""
        var maxNew: Int?
        var details = false
        var rejection: String?
        var greedy = false
        if let p = root["parameters"], p != .null {
            guard case .object = p else { throw deserializeError("parameters: invalid type: \(p.serdeKind), expected struct GenerateParameters", body) }
            adapter = try optString(p["adapter_id"], "parameters.adapter_id", body) ?? ""
            maxNew = try optUInt32(p["max_new_tokens"], "parameters.max_new_tokens", body)
            details = try bool(p["details"], "parameters.details", body) ?? false
            greedy = isZero(p["temperature"])
            let decoderDetails = try bool(p["decoder_input_details"], "parameters.decoder_input_details", body) ?? false
            let bestOf = try optUInt32(p["best_of"], "parameters.best_of", body)
            if let b = bestOf, b != 1 {
                rejection = "`best_of` != 1 is not supported when streaming tokens"
            } else if decoderDetails {
                rejection = "`decoder_input_details` == true is not supported when streaming tokens"
            }
        }
        var spec = GenerationSpec(flavor: .native, stream: stream, compatArray: compat && !stream, adapter: adapter, prompt: inputs,
                                  maxNewTokens: maxNew, details: details, streamRejection: rejection)
        spec.greedy = greedy
        return spec
    }

    /// /v1/completions.
    static func completions(_ body: [UInt8], modelId: String) throws(BodyRejection) -> GenerationSpec {
        let (root, model) = try openAIRequest(body, "CompletionRequest")
        guard let pv = root["prompt"] else { throw deserializeError("missing field `prompt`", body) }
        guard case let .string(prompt) = pv else { throw deserializeError("prompt: invalid type: \(pv.serdeKind), expected a string", body) }
        return try openAISpec(root, .completions, model: model, modelId: modelId, prompt: prompt, body)
    }

    /// /v1/chat/completions; the prompt is the concatenated message texts (no template).
    static func chat(_ body: [UInt8], modelId: String) throws(BodyRejection) -> GenerationSpec {
        let (root, model) = try openAIRequest(body, "ChatCompletionRequest")
        guard let mv = root["messages"] else { throw deserializeError("missing field `messages`", body) }
        guard case let .array(messages) = mv else { throw deserializeError("messages: invalid type: \(mv.serdeKind), expected a sequence", body) }
        var text = ""
        for (i, msg) in messages.enumerated() {
            guard case .object = msg else { throw deserializeError("messages[\(i)]: invalid type: \(msg.serdeKind), expected struct Message", body) }
            guard let rv = msg["role"] else { throw deserializeError("messages[\(i)]: missing field `role`", body) }
            guard case .string = rv else { throw deserializeError("messages[\(i)].role: invalid type: \(rv.serdeKind), expected a string", body) }
            switch msg["content"] {
            case let .string(s)?: text += s + " "
            case let .array(parts)?:
                for part in parts { if case let .string(t)? = part["text"] { text += t + " " } }
            case nil, .null?: break
            case let other?: throw deserializeError("messages[\(i)].content: invalid type: \(other.serdeKind), expected a string or a sequence", body)
            }
        }
        return try openAISpec(root, .chat, model: model, modelId: modelId, prompt: text, body)
    }

    /// The root object of an OpenAI request and its required `model` (`what` is the serde struct named in errors).
    private static func openAIRequest(_ body: [UInt8], _ what: String) throws(BodyRejection) -> (root: JSONValue, model: String) {
        let root = try parseJSON(body)
        guard case .object = root else { throw deserializeError("invalid type: \(root.serdeKind), expected struct \(what)", body) }
        guard let m = root["model"] else { throw deserializeError("missing field `model`", body) }
        guard case let .string(model) = m else { throw deserializeError("model: invalid type: \(m.serdeKind), expected a string", body) }
        return (root, model)
    }

    /// An OpenAI request's spec, reading its optional `max_tokens` and `stream`; a `model` other than the base model is the adapter.
    private static func openAISpec(_ root: JSONValue, _ flavor: Flavor, model: String, modelId: String, prompt: String,
                                   _ body: [UInt8]) throws(BodyRejection) -> GenerationSpec {
        let maxTokens = try optUInt32(root["max_tokens"], "max_tokens", body)
        let stream = try bool(root["stream"], "stream", body, nullable: true) ?? false
        var spec = GenerationSpec(flavor: flavor, stream: stream, compatArray: false, adapter: model == modelId ? "" : model,
                                  prompt: prompt, maxNewTokens: maxTokens, details: true, streamRejection: nil)
        spec.greedy = isZero(root["temperature"])
        return spec
    }
}
