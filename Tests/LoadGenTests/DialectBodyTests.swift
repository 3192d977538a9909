@testable import LoadGen
import Stats
import XCTest

/// The exact request bytes each dialect writes (keys sorted, as `JSONValue.encodedString` writes them).
final class DialectBodyTests: XCTestCase {
    private func bytes(_ d: some APIDialect, prompt: String = "a b", adapter: String, maxNew: Int = 3,
                       _ parameters: [String: JSONValue] = [:]) -> String {
        String(decoding: Array(d.body(prompt: prompt, adapter: adapter, maxNewTokens: maxNew, parameters: parameters).encodedString().utf8),
               as: UTF8.self)
    }

    func testNativeBody() {
        XCTAssertEqual(bytes(LoraxDialect(), adapter: "org/lora"),
                       #"{"inputs":"a b","parameters":{"adapter_id":"org/lora","details":true,"max_new_tokens":3}}"#)
        XCTAssertEqual(bytes(LoraxDialect(), adapter: ""), #"{"inputs":"a b","parameters":{"details":true,"max_new_tokens":3}}"#,
                       "the base model is asked for by leaving adapter_id out")
        XCTAssertEqual(bytes(LoraxDialect(), adapter: "x", ["details": .bool(false), "max_new_tokens": .int(99), "top_k": .int(5)]),
                       #"{"inputs":"a b","parameters":{"adapter_id":"x","details":false,"max_new_tokens":3,"top_k":5}}"#,
                       "the scenario may turn details off; max_new_tokens is the factory's")
    }

    func testCompletionsBody() {
        XCTAssertEqual(bytes(OpenAICompletionsDialect(), adapter: "org/lora"),
                       #"{"max_tokens":3,"model":"org/lora","prompt":"a b","stream":true,"stream_options":{"include_usage":true}}"#)
        XCTAssertEqual(bytes(OpenAICompletionsDialect(), prompt: "q\"/\n", adapter: "", ["stream": .bool(false), "temperature": .double(0.25)]),
                       #"{"max_tokens":3,"model":"","prompt":"q\"/\n","stream":true,"stream_options":{"include_usage":true},"temperature":0.25}"#)
    }

    func testChatBody() {
        XCTAssertEqual(bytes(OpenAIChatDialect(), adapter: "org/lora"),
                       #"{"max_tokens":3,"messages":[{"content":"a b","role":"user"}],"model":"org/lora","stream":true,"stream_options":{"include_usage":true}}"#)
        XCTAssertEqual(bytes(OpenAIChatDialect(), adapter: "", ["model": .string("m"), "messages": .array([])]),
                       #"{"max_tokens":3,"messages":[{"content":"a b","role":"user"}],"model":"","stream":true,"stream_options":{"include_usage":true}}"#,
                       "model and messages are the factory's, whatever the scenario's parameters say")
    }

    func testFactoryJoinsBaseURLAndPath() throws {
        for (api, path) in [("lorax", "/generate_stream"), ("openai-completions", "/v1/completions"), ("openai-chat", "/v1/chat/completions")] {
            let f = try RequestFactory(scenario: try loadGenScenario(api: api), baseURL: "https://gw/t/deployments/v2/llms/d")
            XCTAssertEqual(f.make(sequence: 0).url, "https://gw/t/deployments/v2/llms/d" + path)
        }
    }
}
