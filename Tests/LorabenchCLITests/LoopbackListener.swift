import Foundation

/// A listening TCP socket on 127.0.0.1 with a free port, for the purpose-built test servers; `accept` each
/// connection on a thread of its own with `serve`.
final class LoopbackListener: @unchecked Sendable {  // @unchecked: `stopped` is only a shutdown flag read by the accept thread.
    let port: Int
    private let fd: Int32
    private var stopped = false

    init() throws {
        signal(SIGPIPE, SIG_IGN)  // the client may hang up first; that must not kill the test process
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
              listen(fd, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Accepts connections until `stop`, handing each to `serve` on its own thread.
    func serve(_ serve: @escaping @Sendable (Int32) -> Void) {
        Thread.detachNewThread { [self] in
            while !self.stopped {
                let c = accept(self.fd, nil, nil)
                if c < 0 { return }
                Thread.detachNewThread { serve(c) }
            }
        }
    }

    func stop() {
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
