import Foundation

/// A keep-alive HTTP server on 127.0.0.1 that answers the first request of every connection with `response` and
/// hangs up on the next one after reading it (closed, or reset with `reset`): the case where libcurl re-sends
/// the request on its own. Counts every request it read.
final class KeepAliveServer: @unchecked Sendable {  // @unchecked: `stopped` is a shutdown flag; `count` is guarded by `lock`.
    let port: Int
    private let fd: Int32
    private var stopped = false
    private let lock = NSLock()
    private var count = 0

    /// Requests read so far (what the server saw, retries included).
    var requestsSeen: Int { lock.withLock { count } }

    init(response: [UInt8], reset: Bool) throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
              listen(fd, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            while !self.stopped {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                Thread.detachNewThread { self.serve(c, response: response, reset: reset) }
            }
        }
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

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// A complete SSE response with a Content-Length, so the connection stays open for the next request.
    static func sse(_ body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: \(body.count)\r\n\r\n".utf8) + body
    }
}
