/// One CSV row written straight into a byte buffer, field by field, with the escaping `CSVLineWriter.escape` gives:
/// no `[String]` of cells and no per-field `String` (the requests.csv row cost ~390 k instructions that way).
/// Numbers are written as decimal digits without going through `String`.
public struct CSVRow: CSVFields {
    public private(set) var bytes: [UInt8]
    private var fields = 0

    public init(into bytes: [UInt8] = []) { self.bytes = bytes }

    /// Hands the bytes back, leaving the row empty (so the caller's buffer stays uniquely referenced).
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes = []; fields = 0 }
        return bytes
    }

    private mutating func separate() {
        if fields > 0 { bytes.append(0x2C) }
        fields += 1
    }

    /// A text field, quoted and escaped as RFC 4180 needs (see `CSVLineWriter.escape`).
    public mutating func text(_ s: String) {
        separate()
        var s = s
        s.withUTF8 { Self.appendEscaped($0, to: &bytes) }
    }

    /// A text field given as UTF-8 bytes, escaped as `text` escapes it.
    public mutating func text(utf8 b: [UInt8]) {
        separate()
        b.withUnsafeBufferPointer { Self.appendEscaped($0, to: &bytes) }
    }

    /// An empty field.
    public mutating func empty() { separate() }

    /// A signed integer in decimal.
    public mutating func int(_ v: Int) {
        separate()
        if v < 0 { bytes.append(0x2D) }
        ASCIIDigits.appendDecimal(UInt64(v.magnitude), to: &bytes)
    }

    /// Microseconds as milliseconds with three decimals (`RequestsCSV.msText`), `-` first when `negative`.
    public mutating func ms(_ micros: UInt64, negative: Bool) {
        separate()
        if negative { bytes.append(0x2D) }
        ASCIIDigits.appendMillis(micros, to: &bytes)
    }

    /// One field's bytes as RFC 4180 wants them: quoted when it holds a comma, quote, CR or LF (quotes doubled);
    /// control bytes other than tab, CR and LF, and DEL, written as visible `\u00xx` text. Bytes of multi-byte
    /// UTF-8 sequences are all >= 0x80, so working on bytes is the same as working on scalars.
    static func appendEscaped(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var quote = false, control = false
        for c in b {
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { quote = true } else if c < 0x20 && c != 0x09 || c == 0x7F { control = true }
        }
        if !quote && !control {
            out.append(contentsOf: b)
            return
        }
        if quote { out.append(0x22) }
        for c in b {
            if c == 0x22 {
                out.append(0x22); out.append(0x22)
            } else if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D || c == 0x7F {
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, ASCIIDigits.hex(c >> 4), ASCIIDigits.hex(c & 0x0F)])  // \u00xx
            } else {
                out.append(c)
            }
        }
        if quote { out.append(0x22) }
    }

}
