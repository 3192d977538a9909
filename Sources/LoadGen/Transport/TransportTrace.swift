import Foundation
import Stats

/// `LORABENCH_TRANSPORT_TRACE=FILE`: every curl socket registration, ready socket, timer turn, transfer start, write
/// callback and completion of one event loop, with its clock read, written to FILE (one line each) when the loop
/// shuts down. For diagnosing a transfer whose bytes sat unread; off (nil) otherwise, so it costs nothing.
/// Threading: loop-confined, like the `CurlMulti` that owns it.
final class TransportTrace {
    enum Kind: String { case watch, close, ready, timer, kick, add, data, done }
    private struct Entry { var micros: UInt64; var kind: Kind; var fd: Int32; var arg: Int; var easy: UInt; var note: String? }
    private var entries: [Entry] = []
    private let path: String
    /// Entries kept at most (a long run keeps its first ones), so a forgotten variable cannot exhaust memory.
    static let capacity = 4_000_000

    private init(path: String) {
        self.path = path
        entries.reserveCapacity(1 << 16)
    }

    /// The trace for a loop, with the shard number appended to the file name when there is more than one.
    static func fromEnvironment(shard: Int) -> TransportTrace? {
        guard let p = ProcessInfo.processInfo.environment["LORABENCH_TRANSPORT_TRACE"], !p.isEmpty else { return nil }
        return TransportTrace(path: shard == 0 ? p : "\(p).\(shard)")
    }

    func note(_ kind: Kind, fd: Int32 = -1, arg: Int = 0, easy: UnsafeMutableRawPointer?, _ text: String? = nil) {
        guard entries.count < Self.capacity else { return }
        entries.append(Entry(micros: MonotonicClock.nowMicros(), kind: kind, fd: fd, arg: arg,
                             easy: easy.map { UInt(bitPattern: $0) } ?? 0, note: text))
    }

    func write() {
        var s = "micros kind fd arg easy note\n"
        for e in entries {
            s += "\(e.micros) \(e.kind.rawValue) \(e.fd) \(e.arg) \(String(e.easy, radix: 16)) \(e.note ?? "")\n"
        }
        try? s.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
