import Foundation

/// A keep-alive HTTP server on 127.0.0.1 that answers the first request of every connection with `response` and
/// hangs up on the next one after reading it (closed, or reset with `reset`): the case where libcurl re-sends
/// the request on its own. Counts every request it read.
final class KeepAliveServer: @unchecked Sendable {  // @unchecked: `count` is guarded by `lock`; the listener is thread-safe.
    private let listener: LoopbackListener
    var port: Int { listener.port }
    private let lock = NSLock()
    private var count = 0

    /// Requests read so far (what the server saw, retries included).
    var requestsSeen: Int { lock.withLock { count } }

    init(response: [UInt8], reset: Bool) throws {
        listener = try LoopbackListener()
        listener.serve { [self] c in self.serve(c, response: response, reset: reset) }
    }

    private func serve(_ c: Int32, response: [UInt8], reset: Bool) {
        var pending = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        var served = 0
        while true {
            // One request: head plus Content-Length body.
            var complete = false
            while !complete {
                if let end = CannedServer.headEnd(pending) {
                    let head = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                    let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if pending.count - end - 4 >= length {
                        pending.removeFirst(end + 4 + length)
                        complete = true
                        break
                    }
                }
                let n = read(c, &buf, buf.count)
                if n <= 0 { close(c); return }
                pending += buf[0..<n]
            }
            lock.withLock { count += 1 }
            served += 1
            if served > 1 {
                if reset {
                    var l = linger(l_onoff: 1, l_linger: 0)
                    setsockopt(c, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
                }
                close(c)
                return
            }
            _ = response.withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
        }
    }

    var baseURL: String { listener.baseURL }

    func stop() { listener.stop() }

    /// A complete SSE response with a Content-Length, so the connection stays open for the next request.
    static func sse(_ body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: \(body.count)\r\n\r\n".utf8) + body
    }
}
