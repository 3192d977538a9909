/// Compact JSON bytes for a `JSONValue` without Foundation's `JSONEncoder` (which cost ~67 k instructions per request
/// body on the transport thread, callgrind): keys sorted by their UTF-8 bytes, strings escaped as `JSONEscape` does,
/// integers exact, doubles in Swift's shortest form that parses back to the same `Double` (`1.0` written `1`).
/// For every finite value the bytes are `encodedString()`'s, byte for byte (JSONWriterTests checks): the same key
/// order, escapes and number forms. A non-finite double, which JSON cannot hold, is written `null` in its place
/// (where `encodedString()` gives up and returns `null` for the whole document), so the output is always valid JSON.
public enum JSONWriter {
    /// The value as compact JSON bytes.
    public static func bytes(_ v: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        append(v, to: &out)
        return out
    }

    /// Appends the value as compact JSON.
    public static func append(_ v: JSONValue, to out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .int(let i):
            if i < 0 { out.append(0x2D) }
            ASCIIDigits.appendDecimal(i.magnitude, to: &out)
        case .double(let d): appendDouble(d, to: &out)
        case .string(let s): JSONEscape.append(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (k, e) in a.enumerated() {
                if k > 0 { out.append(0x2C) }
                append(e, to: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (k, member) in o.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if k > 0 { out.append(0x2C) }
                JSONEscape.append(member.key, to: &out)
                out.append(0x3A)
                append(member.value, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// Swift's shortest round-trip form (`description`), as JSONEncoder writes it: `.0` dropped from integral values.
    static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else {
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            return
        }
        let text = d.description.utf8
        if text.count >= 2, text.last == 0x30, text[text.index(text.endIndex, offsetBy: -2)] == 0x2E {
            out.append(contentsOf: text.dropLast(2))
        } else {
            out.append(contentsOf: text)
        }
    }
}
