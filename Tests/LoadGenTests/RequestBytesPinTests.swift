@testable import LoadGen
import Stats
import XCTest

/// Request bytes pinned from the code as it was before prompts and dialects were split out of RequestFactory:
/// the same seed must keep giving byte-identical requests.
final class RequestBytesPinTests: XCTestCase {
    static let fields: [String: JSONValue] = [
        "seed": .int(42),
        "input_words": .object(["min": .int(3), "max": .int(6)]),
        "max_new_tokens": .object(["min": .int(5), "max": .int(20)]),
        "adapters": .object(["ids": .array([.string("org/a"), .string("org/b"), .string("org/c")]), "base_share": .double(0.25)]),
        "parameters": .object(["temperature": .double(0.5)]),
    ]

    private func request(_ api: String, _ sequence: Int, _ extra: [String: JSONValue] = [:]) throws -> String {
        var f = Self.fields
        for (k, v) in extra { f[k] = v }
        let r = try RequestFactory(scenario: try loadGenScenario(api: api, f), baseURL: "http://h").make(sequence: sequence)
        return r.url + " " + String(decoding: r.body, as: UTF8.self)
    }

    func testNativeRequestsZeroFiveAndSeven() throws {
        XCTAssertEqual(try request("lorax", 0), #"http://h/generate_stream {"inputs":"people letter fall spend level computer","parameters":{"adapter_id":"org/a","details":true,"max_new_tokens":9,"temperature":0.5}}"#)
        XCTAssertEqual(try request("lorax", 5), #"http://h/generate_stream {"inputs":"cool table desert gateway cat bring","parameters":{"details":true,"max_new_tokens":5,"temperature":0.5}}"#)
        XCTAssertEqual(try request("lorax", 7), #"http://h/generate_stream {"inputs":"cross dark feel there him","parameters":{"adapter_id":"org/c","details":true,"max_new_tokens":13,"temperature":0.5}}"#)
    }

    func testCompletionsRequestsZeroFiveAndSeven() throws {
        XCTAssertEqual(try request("openai-completions", 0), #"http://h/v1/completions {"max_tokens":9,"model":"org/a","prompt":"people letter fall spend level computer","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
        XCTAssertEqual(try request("openai-completions", 5), #"http://h/v1/completions {"max_tokens":5,"model":"","prompt":"cool table desert gateway cat bring","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
        XCTAssertEqual(try request("openai-completions", 7), #"http://h/v1/completions {"max_tokens":13,"model":"org/c","prompt":"cross dark feel there him","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
    }

    func testChatRequestsZeroFiveAndSeven() throws {
        XCTAssertEqual(try request("openai-chat", 0), #"http://h/v1/chat/completions {"max_tokens":9,"messages":[{"content":"people letter fall spend level computer","role":"user"}],"model":"org/a","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
        XCTAssertEqual(try request("openai-chat", 5), #"http://h/v1/chat/completions {"max_tokens":5,"messages":[{"content":"cool table desert gateway cat bring","role":"user"}],"model":"","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
        XCTAssertEqual(try request("openai-chat", 7), #"http://h/v1/chat/completions {"max_tokens":13,"messages":[{"content":"cross dark feel there him","role":"user"}],"model":"org/c","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#)
    }

    func testWeightedAndZipfPicksDrawInTheSameOrder() throws {
        let weighted: [String: JSONValue] = [
            "adapters": .object(["ids": .array([.string("x"), .string("y")]), "weights": .array([.int(1), .int(3)])]),
            "parameters": .object(["stream": .bool(false), "model": .string("m")]),
        ]
        XCTAssertEqual(try request("openai-chat", 0, weighted), #"http://h/v1/chat/completions {"max_tokens":9,"messages":[{"content":"empty people letter fall spend level","role":"user"}],"model":"y","stream":true,"stream_options":{"include_usage":true}}"#)
        XCTAssertEqual(try request("openai-chat", 7, weighted), #"http://h/v1/chat/completions {"max_tokens":13,"messages":[{"content":"process cross dark feel there","role":"user"}],"model":"y","stream":true,"stream_options":{"include_usage":true}}"#)
        let zipf: [String: JSONValue] = ["adapters": .object(["ids": .array([.string("x"), .string("y")]), "distribution": .string("zipf")])]
        XCTAssertEqual(try request("lorax", 0, zipf), #"http://h/generate_stream {"inputs":"empty people letter fall spend level","parameters":{"adapter_id":"x","details":true,"max_new_tokens":9,"temperature":0.5}}"#)
        XCTAssertEqual(try request("lorax", 7, zipf), #"http://h/generate_stream {"inputs":"process cross dark feel there","parameters":{"adapter_id":"y","details":true,"max_new_tokens":13,"temperature":0.5}}"#)
    }

    func testWarmUpRequestPerAPI() throws {
        let want = [
            "lorax": #"http://h/generate_stream {"inputs":"Hello","parameters":{"details":true,"max_new_tokens":1,"temperature":0.5}}"#,
            "openai-completions": #"http://h/v1/completions {"max_tokens":1,"model":"","prompt":"Hello","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#,
            "openai-chat": #"http://h/v1/chat/completions {"max_tokens":1,"messages":[{"content":"Hello","role":"user"}],"model":"","stream":true,"stream_options":{"include_usage":true},"temperature":0.5}"#,
        ]
        for (api, expected) in want {
            let r = try RequestFactory(scenario: try loadGenScenario(api: api, Self.fields), baseURL: "http://h")
                .make(prompt: "Hello", adapter: "", maxNewTokens: 1, inputWords: 1)
            XCTAssertEqual(r.url + " " + String(decoding: r.body, as: UTF8.self), expected, api)
            XCTAssertEqual([r.adapter, "\(r.inputWords)", "\(r.maxNewTokens)"], ["", "1", "1"], api)
        }
    }
}
