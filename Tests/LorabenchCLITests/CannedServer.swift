import Foundation

/// A purpose-built misbehaving HTTP server for fault tests: answers every request on 127.0.0.1 with the same
/// canned bytes (optionally after a delay, optionally never), on a thread of its own.
final class CannedServer: @unchecked Sendable {  // @unchecked: `heads` is guarded by `lock`; the listener is thread-safe.
    private let listener: LoopbackListener
    private let lock = NSLock()
    private var heads: [String] = []

    var port: Int { listener.port }

    /// The head (request line and headers) of every request read so far, in arrival order.
    var requests: [String] { lock.withLock { heads } }

    /// `response` nil means: read the request and never answer (slow headers).
    /// `trickle`: after the response, keep the connection open this long, writing a keep-alive comment every 50 ms.
    /// `hold`: after the response (and any trickle), keep the connection open and silent this long.
    /// `dribble`: write the first `dribbleBytes` of the response one byte at a time, this long apart.
    init(response: [UInt8]?, delay: TimeInterval = 0, trickle: TimeInterval = 0, hold: TimeInterval = 0,
         dribble: TimeInterval = 0, dribbleBytes: Int = 0) throws {
        listener = try LoopbackListener()
        start(response: response, delay: delay, trickle: trickle, hold: hold, dribble: dribble, dribbleBytes: dribbleBytes)
    }

    private func start(response: [UInt8]?, delay: TimeInterval, trickle: TimeInterval, hold: TimeInterval,
                       dribble: TimeInterval, dribbleBytes: Int) {
        listener.serve { [self] c in
                    var buf = [UInt8](repeating: 0, count: 65536)
                    var got = [UInt8]()
                    // Read the head and a Content-Length body.
                    while true {
                        let n = read(c, &buf, buf.count)
                        if n <= 0 { close(c); return }
                        got += buf[0..<n]
                        if let end = CannedServer.headEnd(got) {
                            let raw = String(decoding: got[..<end], as: UTF8.self)
                            let head = raw.lowercased()
                            let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                                .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                            if got.count - end - 4 >= length { self.lock.withLock { self.heads.append(raw) }; break }
                        }
                    }
                    guard let response else { sleep(30); close(c); return }
                    if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                    var rest = response[...]
                    if dribble > 0 {
                        for b in response.prefix(dribbleBytes) {
                            var byte = b
                            if write(c, &byte, 1) < 0 { break }
                            Thread.sleep(forTimeInterval: dribble)
                        }
                        rest = response.dropFirst(dribbleBytes)
                    }
                    _ = rest.withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
                    let until = Date().addingTimeInterval(trickle)
                    while Date() < until {
                        Thread.sleep(forTimeInterval: 0.05)
                        if write(c, ":\n\n", 3) < 0 { break }
                    }
                    if hold > 0 { Thread.sleep(forTimeInterval: hold) }
                    shutdown(c, Int32(SHUT_WR))
                    Thread.sleep(forTimeInterval: 0.05)
                    close(c)
        }
    }

    static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    var baseURL: String { listener.baseURL }

    func stop() { listener.stop() }

    /// An SSE response head (no chunking; the body ends when the connection closes).
    static func sse(_ body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".utf8) + body
    }
}
