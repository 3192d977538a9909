import Foundation
import XCTest
@testable import LoraxSim

/// Pins LoRAX's bytes: SSE framing, final events, OpenAI chunks, non-stream bodies, /info, /health, /metrics.
final class WireFormatTests: SimTestCase {
    static let tokenPattern = #"\{"id":(\d+),"text":"((?:[^"\\]|\\.)*)","logprob":(-?[0-9.]+),"special":false,"skipped":false\}"#

    func matches(_ s: String, _ pattern: String, file: StaticString = #filePath, line: UInt = #line) -> [Substring] {
        do {
            let re = try Regex(pattern)
            guard let m = try re.wholeMatch(in: s) else {
                XCTFail("no match:\n\(s)\npattern:\n\(pattern)", file: file, line: line)
                return []
            }
            return m.output.map { $0.substring ?? "" }
        } catch {
            XCTFail("bad regex \(error)", file: file, line: line)
            return []
        }
    }

    func testGenerateStreamFramingAndFinalEventWithDetails() throws {
        let c = try RawHTTP(port: port)
        try c.request("POST", "/generate_stream", body: #"{"inputs":"hello there world","parameters":{"max_new_tokens":5,"details":true}}"#)
        let r = try c.readResponse()
        XCTAssertEqual(r.statusLine, "HTTP/1.1 200 OK")
        XCTAssertEqual(r.header("content-type"), "text/event-stream")
        XCTAssertEqual(r.header("cache-control"), "no-cache")
        XCTAssertEqual(r.header("x-accel-buffering"), "no")
        XCTAssertEqual(r.header("x-model-id"), "mistralai/Mistral-7B-Instruct-v0.1")
        XCTAssertEqual(r.header("x-compute-type"), "gpu+optimized")
        XCTAssertNotNil(r.header("x-request-id"))
        XCTAssertNil(r.header("x-adapter-id"))
        XCTAssertTrue(r.chunked)
        XCTAssertFalse(r.truncated)
        // Framing: only `data: <json>\n\n` events, nothing else, no [DONE].
        let text = r.text
        XCTAssertTrue(text.hasSuffix("}\n\n"))
        let pieces = text.components(separatedBy: "\n\n")
        XCTAssertEqual(pieces.last, "")
        let events = pieces.dropLast()
        XCTAssertEqual(events.count, 5)
        XCTAssertFalse(text.contains("[DONE]"))
        var texts: [String] = []
        for e in events.dropLast() {
            let m = matches(e, "data: \\{\"token\":" + Self.tokenPattern + ",\"generated_text\":null,\"details\":null\\}")
            if m.count > 2 { texts.append(String(m[2])) }
        }
        let m = matches(String(events.last!), "data: \\{\"token\":" + Self.tokenPattern
            + ",\"generated_text\":\"((?:[^\"\\\\]|\\\\.)*)\",\"details\":\\{\"finish_reason\":\"length\",\"prompt_tokens\":4,\"generated_tokens\":5,\"seed\":null\\}\\}")
        if m.count > 4 {
            texts.append(String(m[2]))
            XCTAssertEqual(String(m[4]), texts.joined())
        }
        // Each event is JSON that parses.
        for e in events {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(e.dropFirst(6).utf8)))
        }
        // Keep-alive: the same connection serves the next request.
        try c.request("POST", "/generate_stream", body: #"{"inputs":"again","parameters":{"max_new_tokens":2}}"#)
        let r2 = try c.readResponse()
        XCTAssertEqual(r2.status, 200)
        XCTAssertEqual(r2.events.count, 2)
        XCTAssertTrue(r2.events[1].hasSuffix(",\"details\":null}"), r2.events[1])
        XCTAssertFalse(r2.events[1].contains("\"generated_text\":null"))
    }

    func testGenerateNonStreamBodyAndHeaders() throws {
        let r = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"a b c d e f g h i j","parameters":{"max_new_tokens":3,"details":true,"adapter_id":""}}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("content-type"), "application/json")
        for h in ["x-compute-type", "x-compute-time", "x-compute-characters", "x-total-time", "x-validation-time", "x-queue-time",
                  "x-inference-time", "x-time-per-token", "x-time-to-first-token", "x-time-per-output-token", "x-prompt-tokens",
                  "x-generated-tokens", "x-skipped-tokens", "x-total-tokens", "x-model-id", "x-request-id"] {
            XCTAssertNotNil(r.header(h), h)
        }
        XCTAssertNotNil(Int(r.header("x-total-time") ?? ""))
        XCTAssertEqual(r.header("x-prompt-tokens"), "13")
        XCTAssertEqual(r.header("x-generated-tokens"), "3")
        XCTAssertEqual(r.header("x-total-tokens"), "16")
        let tok = Self.tokenPattern
        _ = matches(r.text, "\\{\"generated_text\":\"(.*)\",\"details\":\\{\"finish_reason\":\"length\",\"prompt_tokens\":13,\"generated_tokens\":3,"
            + "\"skipped_tokens\":0,\"seed\":null,\"prefill\":\\[\\],\"tokens\":\\[\(tok),\(tok),\(tok)\\]\\}\\}")
        // Without details the key is omitted.
        let plain = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":2}}"#)
        _ = matches(plain.text, "\\{\"generated_text\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}")
    }

    func testCompatRoutesAndGatewayPaths() throws {
        let arr = try RawHTTP.call(port, "POST", "/", body: #"{"inputs":"x","parameters":{"max_new_tokens":2},"stream":false}"#)
        XCTAssertEqual(arr.status, 200)
        XCTAssertTrue(arr.text.hasPrefix("[{\"generated_text\":\""), arr.text)
        XCTAssertTrue(arr.text.hasSuffix("\"}]"), arr.text)
        let inv = try RawHTTP.call(port, "POST", "/invocations", body: #"{"inputs":"x","parameters":{"max_new_tokens":2}}"#)
        XCTAssertTrue(inv.text.hasPrefix("[{"), inv.text)
        let s = try RawHTTP.call(port, "POST", "/", body: #"{"inputs":"x","parameters":{"max_new_tokens":3},"stream":true}"#)
        XCTAssertEqual(s.header("content-type"), "text/event-stream")
        XCTAssertEqual(s.events.count, 3)
        let gw = try RawHTTP.call(port, "POST", "/acme/deployments/v2/llms/mistral-7b/generate_stream",
                                  body: #"{"inputs":"x","parameters":{"max_new_tokens":2,"adapter_id":"org/lora"}}"#)
        XCTAssertEqual(gw.events.count, 2)
        XCTAssertEqual(gw.header("x-adapter-id"), "org/lora")
        XCTAssertEqual(gw.header("x-adapter-source"), "hub")
        let gwBase = try RawHTTP.call(port, "POST", "/acme/deployments/v2/llms/mistral-7b", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#)
        XCTAssertTrue(gwBase.text.hasPrefix("[{"), gwBase.text)
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/acme/deployments/v2/llms/mistral-7b/health").status, 200)
        XCTAssertEqual(server.requests().first(where: { $0.route == "/generate_stream" && $0.adapter == "org/lora" })?.outputTokens, 2)
    }

    func testChatCompletionsStream() throws {
        let r = try RawHTTP.call(port, "POST", "/v1/chat/completions",
                                 body: #"{"model":"","messages":[{"role":"user","content":"one two three four five six seven eight nine ten"}],"max_tokens":4,"stream":true}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("content-type"), "text/event-stream")
        let pieces = r.text.components(separatedBy: "\n\n")
        XCTAssertEqual(pieces.count, 6, r.text)  // 4 chunks, [DONE], trailing ""
        XCTAssertEqual(pieces[4], "data: [DONE]")
        let head = #"data: \{"id":"null","object":"chat\.completion\.chunk","created":0,"model":"null","choices":\[\{"index":0,"delta":\{"role":"assistant","content":"((?:[^"\\]|\\.)*)"\},"finish_reason":"#
        for p in pieces[0..<3] { _ = matches(p, head + "null\\}\\]\\}") }
        _ = matches(pieces[3], head + #""length"\}\],"usage":\{"prompt_tokens":13,"total_tokens":17,"completion_tokens":4\}\}"#)
    }

    func testCompletionsStream() throws {
        let r = try RawHTTP.call(port, "POST", "/v1/completions",
                                 body: #"{"model":"mistralai/Mistral-7B-Instruct-v0.1","prompt":"hi there","max_tokens":3,"stream":true}"#)
        let pieces = r.text.components(separatedBy: "\n\n")
        XCTAssertEqual(pieces.count, 5, r.text)
        XCTAssertEqual(pieces[3], "data: [DONE]")
        let head = #"data: \{"id":"null","object":"text_completion","created":0,"model":"null","choices":\[\{"index":0,"text":"((?:[^"\\]|\\.)*)","logprobs":null,"finish_reason":"#
        for p in pieces[0..<2] { _ = matches(p, head + #"null\}\],"usage":\{"prompt_tokens":0,"total_tokens":0,"completion_tokens":0\}\}"#) }
        _ = matches(pieces[2], head + #""length"\}\],"usage":\{"prompt_tokens":3,"total_tokens":6,"completion_tokens":3\}\}"#)
        XCTAssertNil(r.header("x-adapter-id"))  // model == model_id is the base model
    }

    func testOpenAINonStreamBodies() throws {
        let chat = try RawHTTP.call(port, "POST", "/v1/chat/completions",
                                    body: #"{"model":"my/adapter","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"#)
        XCTAssertEqual(chat.status, 200)
        _ = matches(chat.text, #"\{"id":"null","object":"text_completion","created":\d+,"model":"mistralai/Mistral-7B-Instruct-v0\.1","choices":\[\{"index":0,"message":\{"role":"assistant","content":"(.*)"\},"finish_reason":"length"\}\],"usage":\{"prompt_tokens":2,"total_tokens":4,"completion_tokens":2\},"system_fingerprint":"0\.1\.0-native"\}"#)
        XCTAssertEqual(chat.header("x-adapter-id"), "my/adapter")
        let compl = try RawHTTP.call(port, "POST", "/v1/completions", body: #"{"model":"","prompt":"hi","max_tokens":2}"#)
        _ = matches(compl.text, #"\{"id":"null","object":"text_completion","created":0,"model":"null","choices":\[\{"index":0,"text":"(.*)","logprobs":null,"finish_reason":"length"\}\],"usage":\{"prompt_tokens":2,"total_tokens":4,"completion_tokens":2\}\}"#)
    }

    func testHealthInfoMetrics() throws {
        for path in ["/health", "/ping", "/"] {
            let h = try RawHTTP.call(port, "GET", path)
            XCTAssertEqual(h.status, 200, path)
            XCTAssertEqual(h.body, [], path)
            XCTAssertEqual(h.header("content-length"), "0", path)
        }
        let info = try RawHTTP.call(port, "GET", "/info")
        XCTAssertEqual(info.status, 200)
        let keys = ["model_id", "model_sha", "model_dtype", "model_device_type", "model_pipeline_tag", "max_concurrent_requests",
                    "max_best_of", "max_stop_sequences", "max_input_length", "max_total_tokens", "waiting_served_ratio",
                    "max_batch_total_tokens", "max_waiting_tokens", "validation_workers", "eager_prefill", "version", "sha",
                    "docker_label", "request_logger_url"]
        var last = info.text.startIndex
        for k in keys {
            guard let r = info.text.range(of: "\"\(k)\":", range: last..<info.text.endIndex) else { XCTFail("missing or out of order \(k)"); break }
            last = r.upperBound
        }
        let obj = try JSONSerialization.jsonObject(with: Data(info.body)) as? [String: Any]
        XCTAssertEqual(obj?["version"] as? String, "0.1.0")
        XCTAssertEqual(obj?["max_total_tokens"] as? Int, 4096)
        _ = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":2}}"#)
        _ = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":""}"#)
        let m = try RawHTTP.call(port, "GET", "/metrics")
        XCTAssertEqual(m.status, 200)
        for name in ["lorax_request_count 2", "lorax_request_success 1", "lorax_request_failure{err=\"validation\"} 1",
                     "lorax_request_duration_bucket{le=\"0.00015\"}", "lorax_request_duration_count 1", "lorax_request_queue_duration_bucket",
                     "lorax_request_inference_duration_sum", "lorax_request_generated_tokens_bucket", "lorax_batch_current_size",
                     "lorax_queue_length", "lorax_sim_loaded_adapters", "lorax_sim_adapter_loads_total"] {
            XCTAssertTrue(m.text.contains(name), name)
        }
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/nope").status, 404)
    }
}

/// EOS behaviour across the three stream shapes (eos_probability 1 → the first token is EOS).
final class EOSTests: SimTestCase {
    override func makeConfig() throws -> SimConfig {
        var c = try SimConfig.profile("fast")
        c.eosProbability = 1
        return c
    }

    func testEOSFinalTokens() throws {
        let n = try RawHTTP.call(port, "POST", "/generate_stream", body: #"{"inputs":"x y","parameters":{"max_new_tokens":5,"details":true}}"#)
        XCTAssertEqual(n.events, [#"{"token":{"id":2,"text":"</s>","logprob":-0.01,"special":true,"skipped":false},"generated_text":"","details":{"finish_reason":"eos_token","prompt_tokens":3,"generated_tokens":1,"seed":null}}"#])
        let chat = try RawHTTP.call(port, "POST", "/v1/chat/completions", body: #"{"model":"","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"stream":true}"#)
        XCTAssertEqual(chat.text, #"data: {"id":"null","object":"chat.completion.chunk","created":0,"model":"null","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"total_tokens":3,"completion_tokens":1}}"# + "\n\ndata: [DONE]\n\n")
        let compl = try RawHTTP.call(port, "POST", "/v1/completions", body: #"{"model":"","prompt":"hi","max_tokens":5,"stream":true}"#)
        XCTAssertEqual(compl.text, #"data: {"id":"null","object":"text_completion","created":0,"model":"null","choices":[{"index":0,"text":"","logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"total_tokens":3,"completion_tokens":1}}"# + "\n\ndata: [DONE]\n\n")
        let gen = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":5,"details":true}}"#)
        XCTAssertTrue(gen.text.contains(#""finish_reason":"eos_token""#), gen.text)
        XCTAssertTrue(gen.text.contains(#""tokens":[{"id":2,"text":"</s>","logprob":-0.01,"special":true,"skipped":false}]"#), gen.text)
    }
}
