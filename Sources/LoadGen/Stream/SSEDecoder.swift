/// An incremental Server-Sent Events decoder: bytes in (split anywhere), complete `data` payloads out.
/// Accepts `data:` with or without the space, LF, CRLF or CR line ends, comments, and multi-line data;
/// one UTF-8 byte order mark at the start of the stream is skipped, as the SSE specification says.
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
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var lastWasCR = false
    /// Bytes of a possible byte order mark held at the stream's start; nil once the start is past.
    private var startBytes: [UInt8]? = []
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(maxEventBytes: Int = 1 << 20) {
        self.maxEventBytes = maxEventBytes
        line.reserveCapacity(512)
        data.reserveCapacity(512)
    }

    /// Feeds bytes and calls `emit` for each complete item, in order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Item) throws -> Void) throws {
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
            try first.withUnsafeBytes { try feedLines($0, emit) }
            return
        }
        try feedLines(bytes, emit)
    }

    private mutating func feedLines(_ bytes: UnsafeRawBufferPointer, _ emit: (Item) throws -> Void) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            if lastWasCR {
                lastWasCR = false
                if bytes[i] == 0x0A { i += 1; continue }
            }
            var j = i
            while j < n, bytes[j] != 0x0A, bytes[j] != 0x0D { j += 1 }
            if j > i {
                line.append(contentsOf: bytes[i..<j])
                if line.count > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
            }
            guard j < n else { return }
            lastWasCR = bytes[j] == 0x0D
            try endLine(emit)
            i = j + 1
        }
    }

    /// Convenience for tests and transcripts.
    public mutating func feed(_ bytes: [UInt8], _ emit: (Item) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, emit) }
    }

    private mutating func endLine(_ emit: (Item) throws -> Void) throws {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData {
                let payload = data
                data.removeAll(keepingCapacity: true)
                hasData = false
                try emit(.data(payload))
            }
            return
        }
        if line[0] == 0x3A {  // ":" comment
            try emit(.comment)
            return
        }
        let colon = line.firstIndex(of: 0x3A) ?? line.count
        guard colon == 4, line[0] == 0x64, line[1] == 0x61, line[2] == 0x74, line[3] == 0x61 else { return }  // only "data"
        var start = colon + 1
        if start < line.count && line[start] == 0x20 { start += 1 }
        if hasData { data.append(0x0A) }
        if start < line.count { data.append(contentsOf: line[start...]) }
        hasData = true
        if data.count > maxEventBytes { throw EventTooLarge(limit: maxEventBytes) }
    }
}
