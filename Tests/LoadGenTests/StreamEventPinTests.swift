@testable import LoadGen
import XCTest

/// Edge-case payloads read as metrics.md defines token events (cross-shape chunks included); changed only on purpose.
final class StreamEventPinTests: XCTestCase {
    static func describe(_ payload: String, _ api: Scenario.API) -> String {
        do {
            let e = try StreamEventParser.parse(Array(payload.utf8), api: api)
            return "token=\(e.isToken) text=\(e.hasText) final=\(e.isFinal) gen=\(e.generatedTokens.map(String.init) ?? "-") "
                + "prompt=\(e.promptTokens.map(String.init) ?? "-") finish=\(e.finishReason ?? "-") error=\(e.errorType ?? "-"):\(e.errorMessage ?? "-")"
        } catch let m as StreamEventParser.Malformed {
            return "malformed: \(m.reason)"
        } catch {
            return "thrown: \(error)"
        }
    }

    static let cases: [(Scenario.API, String)] = [
        (.lorax, #"{"token":{"id":2,"text":"","special":true},"generated_text":null,"details":null}"#),
        (.lorax, #"{"token":{"id":2,"text":"","special":false},"generated_text":null}"#),
        (.lorax, #"{"token":{"id":2,"text":null,"special":true},"generated_text":"x","details":{"generated_tokens":5,"prompt_tokens":0,"finish_reason":"length"}}"#),
        (.lorax, #"{"generated_text":"x","token":{"text":"a"},"details":{"finish_reason":"eos_token","generated_tokens":null}}"#),
        (.lorax, #"{"choices":[{"text":"a"}]}"#),
        (.lorax, #"{"token":{"text":"a"},"usage":{"completion_tokens":3}}"#),
        (.openaiChat, #"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#),
        (.openaiChat, #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":6}}"#),
        (.openaiChat, #"{"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":6}}"#),
        (.openaiChat, #"{"choices":[{"delta":null},{"delta":{"content":"x"}}]}"#),
        (.openaiChat, #"{"choices":[{"text":"t","delta":{"content":""}}]}"#),
        (.openaiChat, #"{"choices":[{"delta":{"content":"x"}}],"usage":null}"#),
        (.openaiChat, #"{"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":4,"completion_tokens":0}}"#),
        (.openaiCompletions, #"{"choices":[{"delta":{"content":"x"}}]}"#),
        (.openaiCompletions, #"{"choices":[{"text":""}],"usage":{"prompt_tokens":0,"total_tokens":0,"completion_tokens":0}}"#),
        (.openaiCompletions, #"{"token":{"text":"a"}}"#),
        (.openaiCompletions, #"{"choices":[{"text":"a"}],"generated_text":"zz","details":{"generated_tokens":9}}"#),
        (.openaiCompletions, "[DONE]"),
        (.openaiChat, "[DONE]"),
        (.lorax, "[DONE]"),
        (.openaiChat, #"{"error":{"message":"m","type":"t"}}"#),
        (.lorax, #"{"error":"boom","error_type":"generation","token":{"text":"a"}}"#),
        (.openaiCompletions, #"{"error":"e\u00e9"}"#),
        (.openaiChat, #"{"choices":[{"delta":{"content":"x"}}]} x"#),
        (.lorax, #"{"token":{"text":"a"}"#),
    ]

    static let expected: [String] = [
        #"token=true text=false final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=true text=false final=false gen=- prompt=- finish=- error=-:-"#,  // an empty-text token is a token, not visible text
        #"token=true text=false final=true gen=5 prompt=0 finish=length error=-:-"#,
        #"token=true text=true final=true gen=- prompt=- finish=eos_token error=-:-"#,
        #"malformed: native event without "token": "{"choices":[{"text":"a"}]}""#,
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=false text=false final=false gen=- prompt=- finish=- error=-:-"#,  // chat role announcement: not a token
        #"token=false text=false final=false gen=6 prompt=4 finish=stop error=-:-"#,  // delta {} carries no token (usage only)
        #"token=false text=false final=false gen=6 prompt=4 finish=- error=-:-"#,
        #"token=false text=false final=false gen=- prompt=- finish=- error=-:-"#,  // first choice without delta
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,  // text present and non-empty
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=true text=false final=false gen=- prompt=- finish=- error=-:-"#,
        #"malformed: chunk without "choices": "{"token":{"text":"a"}}""#,
        #"token=true text=true final=false gen=- prompt=- finish=- error=-:-"#,
        #"token=false text=false final=true gen=- prompt=- finish=- error=-:-"#,
        #"token=false text=false final=true gen=- prompt=- finish=- error=-:-"#,
        #"malformed: event is not a JSON object: "[DONE]""#,
        #"token=false text=false final=false gen=- prompt=- finish=- error=t:m"#,
        #"token=false text=false final=false gen=- prompt=- finish=- error=generation:boom"#,
        #"token=false text=false final=false gen=- prompt=- finish=- error=unknown:eé"#,
        #"malformed: event is not JSON: "{"choices":[{"delta":{"content":"x"}}]} x""#,
        #"malformed: event is not JSON: "{"token":{"text":"a"}""#,
    ]

    func testEdgeCasePayloadsReadAsMetricsMdDefines() {
        let got = Self.cases.map { Self.describe($1, $0) }
        XCTAssertEqual(got.count, Self.expected.count)
        for (i, (g, w)) in zip(got, Self.expected).enumerated() { XCTAssertEqual(g, w, "case \(i): \(Self.cases[i].1)") }
    }
}
