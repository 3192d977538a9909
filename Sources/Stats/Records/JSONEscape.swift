/// JSON string escaping shared by every hand-built JSON text: the simulator's responses, requests.jsonl and
/// `JSONWriter` (request bodies). The escapes are Foundation's JSONEncoder's (and serde_json's): `\"`, `\\`,
/// `\n`, `\r`, `\t`, `\b`, `\f`, other control characters as `\u00xx`; `/`, DEL and non-ASCII as they are.
public enum JSONEscape {
    /// Appends `s` as a quoted JSON string literal.
    public static func append(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        append(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a quoted JSON string literal, as UTF-8 bytes.
    public static func append(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { b in
            // Runs of bytes that need no escape are copied whole (multi-byte UTF-8 is all >= 0x80: copied as is).
            var run = 0
            for i in b.indices {
                let c = b[i]
                guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                run = i + 1
                switch c {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0x08: out.append(contentsOf: [0x5C, 0x62])
                case 0x0C: out.append(contentsOf: [0x5C, 0x66])
                default: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, ASCIIDigits.hex(c >> 4), ASCIIDigits.hex(c & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run...]))
        }
        out.append(0x22)
    }

    /// Returns `s` as a quoted JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = ""
        append(s, to: &out)
        return out
    }
}
