/// Numbers as ASCII bytes, written without going through `String`, for the byte writers (requests.csv rows,
/// JSON bodies, JSON escapes) and `RequestsCSV.msText`.
enum ASCIIDigits {
    /// `micros / 1000` `.` three digits of `micros % 1000`.
    static func appendMillis(_ micros: UInt64, to out: inout [UInt8]) {
        appendDecimal(micros / 1000, to: &out)
        let f = micros % 1000
        out.append(0x2E)
        out.append(0x30 + UInt8(f / 100))
        out.append(0x30 + UInt8(f / 10 % 10))
        out.append(0x30 + UInt8(f % 10))
    }

    /// `v` in decimal digits: the digits counted first, then written in place from the last one.
    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var n = 1, rest = v / 10
        while rest > 0 { n += 1; rest /= 10 }
        let start = out.count
        out.append(contentsOf: repeatElement(0x30, count: n))
        out.withUnsafeMutableBufferPointer { b in
            var v = v, i = start + n - 1
            while v > 0 {
                b[i] = 0x30 + UInt8(v % 10)
                v /= 10
                i -= 1
            }
        }
    }

    /// A lower-case hex digit.
    static func hex(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }
}
