import Foundation
import XCTest
@testable import LoraxSim

/// LoRAX's error shapes: validation (422 / in-stream), overload, axum plain-text rejections, auth, limits, garbage.
final class ErrorTests: SimTestCase {
    func testValidationNonStream() throws {
        let cases: [(String, String)] = [
            (#"{"inputs":""}"#, "Input validation error: `inputs` cannot be empty"),
            (#"{"inputs":"x","parameters":{"max_new_tokens":0}}"#, "Input validation error: `max_new_tokens` must be strictly positive"),
            (#"{"inputs":"x","parameters":{"max_new_tokens":4096}}"#,
             "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 2 `inputs` tokens and 4096 `max_new_tokens`"),
            ("{\"inputs\":\"" + String(repeating: "w ", count: 3200) + "\"}",
             "Input validation error: `inputs` must have less than 4095 tokens. Given: 4160"),
        ]
        for (body, message) in cases {
            let r = try RawHTTP.call(port, "POST", "/generate", body: body)
            XCTAssertEqual(r.status, 422, body)
            XCTAssertEqual(r.header("content-type"), "application/json")
            XCTAssertEqual(r.text, #"{"error":"# + "\"\(message)\"" + #","error_type":"validation"}"#)
        }
    }

    func testValidationInStream() throws {
        let r = try RawHTTP.call(port, "POST", "/generate_stream", body: #"{"inputs":"","parameters":{"max_new_tokens":5}}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("content-type"), "text/event-stream")
        XCTAssertEqual(r.text, "data: {\"error\":\"Input validation error: `inputs` cannot be empty\",\"error_type\":\"validation\"}\n\n")
        let chat = try RawHTTP.call(port, "POST", "/v1/chat/completions", body: #"{"model":"","messages":[{"role":"user","content":"x"}],"max_tokens":0,"stream":true}"#)
        XCTAssertEqual(chat.status, 200)
        XCTAssertEqual(chat.text, "data: {\"error\":\"Input validation error: `max_new_tokens` must be strictly positive\",\"error_type\":\"validation\"}\n\n")
        let best = try RawHTTP.call(port, "POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"best_of":2}}"#)
        XCTAssertEqual(best.events, ["{\"error\":\"Input validation error: `best_of` != 1 is not supported when streaming tokens\",\"error_type\":\"validation\"}"])
        let recs = server.requests()
        XCTAssertEqual(recs.count, 3)
        XCTAssertEqual(recs.map(\.errorType), ["validation", "validation", "validation"])
    }

    func testMissingMaxNewTokensUsesLoraxDefaultButCapsGeneration() throws {
        let r = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"details":true}}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains(#""finish_reason":"eos_token""#))
        let rec = try XCTUnwrap(server.requests().last)
        XCTAssertEqual(rec.maxNewTokens, 4096 - 2)
        XCTAssertEqual(rec.outputTokens, 256)
    }

    func testAxumBodyRejections() throws {
        let bad = try RawHTTP.call(port, "POST", "/generate", body: "{bad")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.header("content-type"), "text/plain; charset=utf-8")
        XCTAssertEqual(bad.text, "Failed to parse the request body as JSON: key must be a string at line 1 column 2")
        let missing = try RawHTTP.call(port, "POST", "/generate_stream", body: "{}")
        XCTAssertEqual(missing.status, 422)
        XCTAssertEqual(missing.text, "Failed to deserialize the JSON body into the target type: missing field `inputs` at line 1 column 2")
        let wrongType = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":"5"}}"#)
        XCTAssertEqual(wrongType.status, 422)
        XCTAssertTrue(wrongType.text.hasPrefix("Failed to deserialize the JSON body into the target type: parameters.max_new_tokens: invalid type: string \"5\", expected u32"), wrongType.text)
        let promptArray = try RawHTTP.call(port, "POST", "/v1/completions", body: #"{"model":"","prompt":["a"]}"#)
        XCTAssertEqual(promptArray.status, 422)
        let noCT = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x"}"#, headers: [("Content-Type", "text/plain")])
        XCTAssertEqual(noCT.status, 415)
        XCTAssertEqual(noCT.text, "Expected request with `Content-Type: application/json`")
    }

    func testHugeBodyIs413AndServerLives() throws {
        let c = try RawHTTP(port: port)
        try c.send("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{\"inputs\":\"")
        let r = try c.readResponse()
        XCTAssertEqual(r.status, 413)
        XCTAssertTrue(c.isClosed())
        // Chunked upload that grows past the limit.
        let c2 = try RawHTTP(port: port)
        try c2.send("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = String(repeating: "a", count: 300_000)
        var status = 0
        for _ in 0..<5 {
            do { try c2.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n") } catch { break }
        }
        status = (try? c2.readResponse().status) ?? 0
        XCTAssertEqual(status, 413)
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/health").status, 200)
    }

    func testGarbageTruncatedAndAbruptClientsDoNotHurtOthers() throws {
        // A stream in progress on another connection must survive all of this.
        var cfg = try SimConfig.profile("fast")
        cfg.decodeBaseMs = 5
        let stream = try RawHTTP(port: port)
        try stream.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":40}}"#)

        let g = try RawHTTP(port: port)
        try g.send([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x13, 0x37] + Array("\r\n\r\n\0garbage\r\n\r\n".utf8))
        if let r = try? g.readResponse() { XCTAssertEqual(r.status, 400) }
        XCTAssertTrue(g.isClosed())

        let t = try RawHTTP(port: port)
        try t.send("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"inp")
        _ = t  // closed at deinit below
        let half = try RawHTTP(port: port)
        try half.send("GET /hea")
        for _ in 0..<20 {
            let abrupt = try RawHTTP(port: port)
            try abrupt.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":50}}"#)
        }
        let r = try stream.readResponse()
        XCTAssertEqual(r.events.count, 40)
        XCTAssertFalse(r.truncated)
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/health").status, 200)
        // The abandoned streams were dropped from the batch.
        let deadline = Date().addingTimeInterval(3)
        while server.stats().dropped < 20 && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(server.stats().dropped, 20)
        XCTAssertEqual(server.stats().inFlight, 0)
        let m = try RawHTTP.call(port, "GET", "/metrics")
        XCTAssertTrue(m.text.contains("lorax_request_failure{err=\"dropped\"} 20"), m.text)
    }
}

/// Bearer auth when api_token is set.
final class AuthTests: SimTestCase {
    override func makeConfig() throws -> SimConfig {
        var c = try SimConfig.profile("fast")
        c.apiToken = "s3cret"
        return c
    }

    func testBearerEnforced() throws {
        let no = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#)
        XCTAssertEqual(no.status, 401)
        XCTAssertEqual(no.text, #"{"error":"Unauthorized","error_type":"unauthorized"}"#)
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/health", headers: [("Authorization", "Bearer wrong")]).status, 401)
        let ok = try RawHTTP.call(port, "POST", "/t/deployments/v2/llms/d/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#,
                                  headers: [("Authorization", "Bearer s3cret")])
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(try RawHTTP.call(port, "GET", "/sim/stats").status, 200)  // control routes stay open
    }
}

/// `Model is overloaded` past max_concurrent_requests.
final class OverloadTests: SimTestCase {
    override func makeConfig() throws -> SimConfig {
        var c = try SimConfig.profile("fast")
        c.maxConcurrentRequests = 1
        c.decodeBaseMs = 5
        return c
    }

    func testOverload() throws {
        let busy = try RawHTTP(port: port)
        try busy.request("POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":20}}"#)
        usleep(20_000)
        let r = try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#)
        XCTAssertEqual(r.status, 429)
        XCTAssertEqual(r.text, #"{"error":"Model is overloaded","error_type":"overloaded"}"#)
        let s = try RawHTTP.call(port, "POST", "/generate_stream", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#)
        XCTAssertEqual(s.status, 200)
        XCTAssertEqual(s.text, "data: {\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}\n\n")
        XCTAssertEqual(try busy.readResponse().events.count, 20)
        XCTAssertEqual(try RawHTTP.call(port, "POST", "/generate", body: #"{"inputs":"x","parameters":{"max_new_tokens":1}}"#).status, 200)
        XCTAssertTrue(try RawHTTP.call(port, "GET", "/metrics").text.contains("lorax_request_failure{err=\"overloaded\"} 2"))
    }
}
