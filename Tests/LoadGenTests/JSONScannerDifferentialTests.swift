import Foundation
@testable import LoadGen
import XCTest

/// The per-token scanner against Foundation's JSON parser on many mutated token events: both must accept and
/// reject the same documents (the scanner reads a raw pointer and strings a word at a time, so its grammar is
/// checked against an independent parser, not only against cases written by hand).
final class JSONScannerDifferentialTests: XCTestCase {
    static let seeds = [
        #"{"token":{"id":1081,"text":" call","logprob":-0.82,"special":false,"skipped":false},"generated_text":null,"details":null}"#,
        #"{"token":{"id":1201,"text":" between","logprob":-0.08,"special":false},"generated_text":" call my between","details":{"finish_reason":"length","prompt_tokens":3,"generated_tokens":3,"seed":null}}"#,
        #"{"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":"a \"quoted\" \\ word\n","finish_reason":null}],"usage":{"prompt_tokens":4,"completion_tokens":1e2}}"#,
    ]
    /// Bytes a mutation inserts or writes: JSON's structure, escapes, literals' and numbers' letters, UTF-8, controls.
    static let alphabet = Array(#"{}[]:,"\ntfrueals0123456789.eE+- xé"#.utf8) + [0x09, 0x0A, 0x01, 0x7F, 0xC3, 0xA9, 0xE6, 0xBC, 0xA2]

    /// A `,` followed, after whitespace, by `}` or `]` (outside strings: good enough for a filter, since a comma
    /// inside a string followed by a bracket only drops a document from the comparison).
    static func hasTrailingComma(_ doc: [UInt8]) -> Bool {
        var comma = false
        for b in doc {
            if b == 0x2C { comma = true } else if comma, b == 0x7D || b == 0x5D { return true }
            else if b != 0x20 && b != 0x0A && b != 0x09 && b != 0x0D { comma = false }
        }
        return false
    }

    private func scannerAccepts(_ doc: [UInt8]) -> Bool {
        doc.withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            guard s.peek() == 0x7B else { return false }
            do { try s.skipValue(); return s.atEnd() } catch { return false }
        }
    }

    private func foundationAccepts(_ doc: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(doc), options: [])) is [String: Any]
    }

    func testTheScannerAcceptsExactlyWhatFoundationAccepts() {
        var rng = SplitMix64(seed: 0x5EED_0F_11)
        var disagreements: [String] = []
        var accepted = 0, checked = 0
        for round in 0..<30_000 {
            var doc = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(doc.count + 1))
                let byte = Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))]
                switch rng.next() % 3 {
                case 0 where at < doc.count: doc[at] = byte
                case 1 where at < doc.count: doc.remove(at: at)
                default: doc.insert(byte, at: at)
                }
            }
            // Known, deliberate differences: Foundation refuses invalid UTF-8, which the scanner passes through (it
            // checks JSON's grammar; whether a text's bytes are UTF-8 is not its concern on the per-token path).
            guard String(validatingUTF8: doc.map { CChar(bitPattern: $0) } + [0]) != nil else { continue }
            // Foundation also takes a trailing comma before `}` or `]`, which RFC 8259 does not; the scanner refuses it.
            if Self.hasTrailingComma(doc) { continue }
            // And Foundation refuses a number beyond Double's range (`10e812`), which JSON's grammar allows.
            if String(decoding: doc, as: UTF8.self).range(of: #"[0-9][eE][+-]?[0-9]{3}"#, options: .regularExpression) != nil { continue }
            checked += 1
            let mine = scannerAccepts(doc), theirs = foundationAccepts(doc)
            if mine { accepted += 1 }
            if mine != theirs, disagreements.count < 10 {
                disagreements.append("scanner \(mine ? "accepts" : "rejects"), Foundation \(theirs ? "accepts" : "rejects"): \(String(decoding: doc, as: UTF8.self).debugDescription)")
            }
        }
        XCTAssertEqual(disagreements, [], "of \(checked) documents")
        XCTAssertGreaterThan(accepted, 1_000, "mutations also keep documents valid, so acceptance is tested too")
        XCTAssertGreaterThan(checked - accepted, 1_000, "and break them, so rejection is tested too")
    }
}
