import Foundation

/// An incremental Server-Sent Events decoder: bytes in (split anywhere), complete `data` payloads out.
/// Accepts `data:` with or without the space, LF, CRLF or CR line ends, comments, and multi-line data;
/// one UTF-8 byte order mark at the start of the stream is skipped, as the SSE specification says.
///
/// The per-token path (`feedPayloads`) copies nothing when an event's one data line and the blank line ending it
/// arrive in the same read, which is how servers write tokens: the payload handed out is a view of curl's buffer.
/// Only an event split across reads, or with several data lines, is gathered in a buffer kept across events.
public struct SSEDecoder: Sendable {
    /// What the decoder found in the bytes fed so far.
    public enum Item: Equatable, Sendable {
        /// The joined data lines of one event.
        case data([UInt8])
        /// A comment line (`:` keep-alive), which resets idle timers but carries nothing.
        case comment
    }

    /// Thrown when one line or one event's data exceeds the bound.
    public struct EventTooLarge: Error, Equatable, Sendable {
        public var limit: Int
    }

    public let maxEventBytes: Int
    /// The start of a line whose end has not arrived yet.
    private var line: [UInt8] = []
    /// Data of the current event gathered so far, when it could not stay a view of the input.
    private var data: [UInt8] = []
    private var hasData = false
    /// The current event's only data line, still in the bytes being fed (no copy yet): offsets into them.
    private var pending: Range<Int>?
    private var lastWasCR = false
    /// Bytes of a possible byte order mark held at the stream's start; nil once the start is past.
    private var startBytes: [UInt8]? = []
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(maxEventBytes: Int = 1 << 20) {
        self.maxEventBytes = maxEventBytes
        line.reserveCapacity(512)
        data.reserveCapacity(512)
    }

    /// Feeds bytes and calls `emit` with each complete event's data, in order; the view is valid only during the call.
    /// Comments are skipped (the caller's clock already saw the bytes arrive).
    public mutating func feedPayloads(_ bytes: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try feed(bytes, data: emit, comment: {})
    }

    /// Feeds bytes and calls `emit` for each complete item, in order (copies each payload: tests and transcripts).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Item) throws -> Void) throws {
        try feed(bytes, data: { try emit(.data(Array($0))) }, comment: { try emit(.comment) })
    }

    /// Convenience for tests and transcripts.
    public mutating func feed(_ bytes: [UInt8], _ emit: (Item) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, emit) }
    }

    private mutating func feed(_ bytes: UnsafeRawBufferPointer, data emit: (UnsafeRawBufferPointer) throws -> Void,
                               comment: () throws -> Void) throws {
        if var head = startBytes {
            // The stream's first bytes: skip one BOM, which may arrive split across reads.
            head.append(contentsOf: bytes.prefix(3))
            if head.count < 3 && Self.bom.starts(with: head) {
                startBytes = head
                return
            }
            startBytes = nil
            let held = head.count - min(bytes.count, 3)  // bytes kept from earlier calls
            var first = Array(head.prefix(held)) + Array(bytes)
            if first.starts(with: Self.bom) { first.removeFirst(3) }
            try first.withUnsafeBytes { try feedLines($0, emit, comment) }
            return
        }
        try feedLines(bytes, emit, comment)
    }

    private mutating func feedLines(_ bytes: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) throws -> Void,
                                    _ comment: () throws -> Void) throws {
        // A data line still pointing into `bytes` is copied before they go away.
        defer { keepPending(bytes) }
        var i = 0
        let n = bytes.count
        while i < n {
            if lastWasCR {
                lastWasCR = false
                if bytes[i] == 0x0A { i += 1; continue }
            }
            let j = Self.lineEnd(bytes, from: i)
            if line.count + (j - i) > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
            guard j < n else {
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
                return
            }
            lastWasCR = bytes[j] == 0x0D
            if line.isEmpty {
                try endLine(UnsafeRawBufferPointer(rebasing: bytes[i..<j]), at: i, in: bytes, emit, comment)
            } else {
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
                var whole: [UInt8] = []
                swap(&whole, &line)
                defer { whole.removeAll(keepingCapacity: true); swap(&whole, &line) }
                try whole.withUnsafeBytes { try endLine($0, at: nil, in: bytes, emit, comment) }
            }
            i = j + 1
        }
    }

    /// Where the line starting at `i` ends: the first LF or CR at or after `i`, or `bytes.count`. Two `memchr`s (LF, then
    /// CR within the line only) rather than a byte loop: the per-token path's longest scan.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from i: Int) -> Int {
        guard let base = bytes.baseAddress, i < bytes.count else { return bytes.count }
        var end = bytes.count
        if let lf = memchr(base + i, 0x0A, end - i) { end = base.distance(to: UnsafeRawPointer(lf)) }
        if let cr = memchr(base + i, 0x0D, end - i) { end = base.distance(to: UnsafeRawPointer(cr)) }
        return end
    }

    /// Copies the pending data line out of the input into `data`.
    private mutating func keepPending(_ bytes: UnsafeRawBufferPointer) {
        guard let p = pending else { return }
        pending = nil
        data.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[p]))
    }

    /// One complete line `l`; `offset` is where it starts in `bytes` when it is a view of them (nil: a gathered line).
    private mutating func endLine(_ l: UnsafeRawBufferPointer, at offset: Int?, in bytes: UnsafeRawBufferPointer,
                                  _ emit: (UnsafeRawBufferPointer) throws -> Void, _ comment: () throws -> Void) throws {
        if l.isEmpty {
            guard hasData else { return }
            hasData = false
            if let p = pending {
                pending = nil
                try emit(UnsafeRawBufferPointer(rebasing: bytes[p]))
            } else {
                defer { data.removeAll(keepingCapacity: true) }
                try data.withUnsafeBytes { try emit($0) }
            }
            return
        }
        if l[0] == 0x3A {  // ":" comment
            try comment()
            return
        }
        let colon = l.firstIndex(of: 0x3A) ?? l.count
        guard colon == 4, l[0] == 0x64, l[1] == 0x61, l[2] == 0x74, l[3] == 0x61 else { return }  // only "data"
        var start = min(colon + 1, l.count)  // "data" alone is an empty data line
        if start < l.count && l[start] == 0x20 { start += 1 }
        if hasData {
            keepPending(bytes)
            data.append(0x0A)
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: l[start...]))
            if data.count > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
        } else if let offset {
            pending = (offset + start)..<(offset + l.count)
        } else {
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: l[start...]))
        }
        hasData = true
    }
}
