// libFuzzer harness for the per-token hot path: SSEDecoder + StreamEventParser (+ JSONScanner).
// Built only by scripts/fuzz.sh (never part of the package build).
//
// Input layout: byte 0 picks the API (lorax / openai-completions / openai-chat), byte 1 seeds how the rest is
// split into chunks (the transport hands the decoder arbitrary splits), the rest is the byte stream.
// Besides "no crash", it checks one property: the items decoded do not depend on how the bytes were split.

import LoadGen

@_cdecl("LLVMFuzzerTestOneInput")
public func sseFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let apis = Scenario.API.allCases
    let api = apis[Int(data[0]) % apis.count]
    let splitSeed = data[1]
    let stream = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    let maxBytes = 1024  // small bound, so the EventTooLarge paths are reachable

    func decode(chunked: Bool) -> ([SSEDecoder.Item], Bool) {
        var decoder = SSEDecoder(maxEventBytes: maxBytes)
        var items: [SSEDecoder.Item] = []
        var tooLarge = false
        var offset = 0
        var step = Int(splitSeed % 7) + 1
        do {
            while offset < stream.count {
                let n = chunked ? min(step, stream.count - offset) : stream.count - offset
                try decoder.feed(UnsafeRawBufferPointer(rebasing: stream[offset..<(offset + n)])) { items.append($0) }
                offset += n
                step = step * 3 % 11 + 1
            }
        } catch is SSEDecoder.EventTooLarge {
            tooLarge = true
        } catch {
            fatalError("SSEDecoder threw an unexpected error: \(error)")
        }
        return (items, tooLarge)
    }

    let (whole, wholeTooLarge) = decode(chunked: false)
    let (split, splitTooLarge) = decode(chunked: true)
    if !wholeTooLarge && !splitTooLarge && whole != split {
        fatalError("SSEDecoder output depends on chunking: whole=\(whole.count) items, split=\(split.count) items")
    }
    for item in whole {
        guard case .data(let payload) = item else { continue }
        do {
            _ = try StreamEventParser.parse(payload, api: api)
        } catch is StreamEventParser.Malformed {
        } catch {
            fatalError("StreamEventParser threw an unexpected error: \(error)")
        }
    }
    return 0
}
