import Foundation

/// A strict, allocation-free JSON pull scanner for the per-token hot path: it walks an event, reads the few
/// fields the measurement needs and skips the rest, so decoding never costs more than the bytes it reads.
/// Anything that is not well-formed JSON throws `Malformed`.
struct JSONScanner {
    struct Malformed: Error {}

    /// The bytes as a plain pointer and length: the per-byte loops below then compile to loads and compares, with
    /// no optional base or recomputed count per byte.
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private(set) var i = 0
    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address: any non-null pointer stands in, never read since `n` is 0.
        p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        n = bytes.count
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    mutating func skipWhitespace() {
        var j = i
        while j < n, Self.isSpace(p[j]) { j += 1 }
        i = j
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        if i < n, !Self.isSpace(p[i]) { return p[i] }
        skipWhitespace()
        return i < n ? p[i] : nil
    }

    @inline(__always)
    mutating func expect(_ c: UInt8) throws {
        guard peek() == c else { throw Malformed() }
        i += 1
    }

    /// True at the end of the input (only whitespace left).
    mutating func atEnd() -> Bool { peek() == nil }

    /// Reads a string and returns its raw bytes between the quotes (escapes validated, not decoded).
    mutating func readRawString() throws -> UnsafeRawBufferPointer.SubSequence {
        try expect(0x22)
        let start = i
        var j = i
        while j < n {
            // Eight bytes at a time up to the first quote, backslash or control byte (found exactly: see `specialBytes`),
            // which the byte-wise step below then handles.
            if j + 8 <= n {
                let found = Self.specialBytes(UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                if found == 0 { j += 8; continue }
                j += found.trailingZeroBitCount >> 3
            }
            let c = p[j]
            if c == 0x22 {
                i = j + 1
                return UnsafeRawBufferPointer(start: p, count: n)[start..<j]
            }
            if c == 0x5C {
                guard j + 1 < n else { throw Malformed() }
                switch p[j + 1] {
                case 0x75:  // \uXXXX
                    guard j + 5 < n, Self.isHex(p[j + 2]), Self.isHex(p[j + 3]), Self.isHex(p[j + 4]), Self.isHex(p[j + 5]) else { throw Malformed() }
                    j += 6
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: j += 2
                default: throw Malformed()
                }
                continue
            }
            guard c >= 0x20 else { throw Malformed() }
            j += 1
        }
        throw Malformed()
    }

    /// A string value, or nil for `null`.
    mutating func readStringOrNull() throws -> UnsafeRawBufferPointer.SubSequence? {
        if try readNull() { return nil }
        return try readRawString()
    }

    /// True when the next value is a string with at least one byte (false for `""` or `null`), for "has text" rules.
    mutating func readNonEmptyString() throws -> Bool {
        !((try readStringOrNull())?.isEmpty ?? true)
    }

    /// A string value as text, nil for `null`: escapes are decoded (rare in the fields read this way, such as a
    /// finish reason, so the slow path costs nothing on ordinary streams).
    mutating func readTextOrNull() throws -> String? {
        guard let raw = try readStringOrNull() else { return nil }
        guard raw.contains(0x5C) else { return String(decoding: raw, as: UTF8.self) }
        // The escapes were validated above, so the quoted bytes are a JSON string the decoder reads exactly.
        let quoted = Data([0x22] + raw + [0x22])
        return (try? JSONDecoder().decode(String.self, from: quoted)) ?? String(decoding: raw, as: UTF8.self)
    }

    /// Consumes `null` if it is next.
    @inline(__always)
    mutating func readNull() throws -> Bool {
        guard peek() == 0x6E else { return false }
        try literal("null")
        return true
    }

    mutating func readBool() throws -> Bool? {
        switch peek() {
        case 0x74: try literal("true"); return true
        case 0x66: try literal("false"); return false
        case 0x6E: try literal("null"); return nil
        default: throw Malformed()
        }
    }

    /// An integer value (a number without fraction), nil for `null`, a non-integral number or one outside `Int`.
    mutating func readInt() throws -> Int? {
        if try readNull() { return nil }
        let start = i
        try skipNumber()
        let neg = p[start] == 0x2D
        var v = 0
        for k in (neg ? start + 1 : start)..<i {
            let c = p[k]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            // Accumulate negatively so Int.min fits; overflow means the count is not representable.
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (d, o2) = m.subtractingReportingOverflow(Int(c - 0x30))
            if o1 || o2 { return nil }
            v = d
        }
        if neg { return v }
        let (p, o) = (0).subtractingReportingOverflow(v)
        return o ? nil : p
    }

    /// Calls `member` for each key of the object that comes next; `member` must consume the value.
    mutating func readObject(_ member: (inout JSONScanner, UnsafeRawBufferPointer.SubSequence) throws -> Void) throws {
        try expect(0x7B)
        if peek() == 0x7D { i += 1; return }
        while true {
            let key = try readRawString()
            try expect(0x3A)
            try member(&self, key)
            switch peek() {
            case 0x2C: i += 1
            case 0x7D: i += 1; return
            default: throw Malformed()
            }
        }
    }

    /// Calls `element` for each item of the array that comes next; `element` must consume the item.
    mutating func readArray(_ element: (inout JSONScanner, Int) throws -> Void) throws {
        try expect(0x5B)
        if peek() == 0x5D { i += 1; return }
        var n = 0
        while true {
            try element(&self, n)
            n += 1
            switch peek() {
            case 0x2C: i += 1
            case 0x5D: i += 1; return
            default: throw Malformed()
            }
        }
    }

    /// Skips any value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < 64 else { throw Malformed() }
        switch peek() {
        case 0x7B: try readObject { s, _ in try s.skipValue(depth: depth + 1) }
        case 0x5B: try readArray { s, _ in try s.skipValue(depth: depth + 1) }
        case 0x22: _ = try readRawString()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case .some(let c) where c == 0x2D || (c >= 0x30 && c <= 0x39): try skipNumber()
        default: throw Malformed()
        }
    }

    /// Skips one number, checking JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    @inline(__always)
    private mutating func skipNumber() throws {
        _ = peek()
        var j = i
        defer { i = j }
        if j < n, p[j] == 0x2D { j += 1 }
        guard j < n, Self.isDigit(p[j]) else { throw Malformed() }
        if p[j] == 0x30 { j += 1 } else { while j < n, Self.isDigit(p[j]) { j += 1 } }
        if j < n, p[j] == 0x2E {
            j += 1
            guard j < n, Self.isDigit(p[j]) else { throw Malformed() }
            while j < n, Self.isDigit(p[j]) { j += 1 }
        }
        if j < n, p[j] == 0x65 || p[j] == 0x45 {
            j += 1
            if j < n, p[j] == 0x2B || p[j] == 0x2D { j += 1 }
            guard j < n, Self.isDigit(p[j]) else { throw Malformed() }
            while j < n, Self.isDigit(p[j]) { j += 1 }
        }
    }

    /// The top bit of each byte of `w` (little-endian, so the lowest set bit marks the first in memory) that is `"`,
    /// `\\` or below 0x20. Word tricks: `x - 0x01…` sets a byte's top bit when that byte of `x` is zero (`x` = `w` XOR
    /// the byte looked for) or, with 0x20…, when it is below 0x20; `& ~w` drops bytes with their own top bit set (UTF-8
    /// continuation and lead bytes, never special). A borrow can only mark bytes after the first true one, so the
    /// lowest mark is exact.
    @inline(__always) private static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
        return ((quote &- ones) | (slash &- ones) | (w &- ones &* 0x20)) & ~w & (ones &* 0x80)
    }

    @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Consumes `word` (`true`, `false` or `null`) or throws: compared byte by byte inline, since a `memcmp` call costs
    /// more than these four or five bytes.
    @inline(__always)
    private mutating func literal(_ word: StaticString) throws {
        _ = peek()
        let count = word.utf8CodeUnitCount, w = word.utf8Start
        guard i + count <= n else { throw Malformed() }
        for k in 0..<count where p[i + k] != w[k] { throw Malformed() }
        i += count
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
}

extension UnsafeRawBufferPointer.SubSequence {
    /// Byte-wise comparison with an ASCII key: one length check and a `memcmp` (a loop over the slice's bytes
    /// range-checks every byte, and keys are compared on every member of every token event).
    @inline(__always)
    func isKey(_ key: StaticString) -> Bool {
        let n = key.utf8CodeUnitCount
        guard count == n else { return false }
        guard n > 0, let start = base.baseAddress else { return n == 0 }
        return memcmp(start + startIndex, key.utf8Start, n) == 0
    }
}
