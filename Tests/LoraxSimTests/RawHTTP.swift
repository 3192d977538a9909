import Foundation
import XCTest
@testable import LoraxSim

#if canImport(Glibc)
import Glibc
#endif

/// A response as read off the wire by `RawHTTP`.
struct RawResponse {
    var status: Int
    var statusLine: String
    var headers: [(String, String)]
    /// The de-chunked body.
    var body: [UInt8]
    /// Each chunk of a chunked body with the monotonic micros it was fully received.
    var chunks: [(bytes: [UInt8], micros: UInt64)]
    var chunked: Bool
    /// The connection was reset or closed before the response completed.
    var truncated: Bool

    func header(_ name: String) -> String? { headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// SSE events (the text between `data: ` and the blank line), comments excluded.
    var events: [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}

/// A tiny blocking HTTP/1.1 client on a POSIX socket, so tests can check bytes exactly.
/// Only ever connects to 127.0.0.1; every read has a timeout.
final class RawHTTP {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var pos = 0

    init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket failed") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw RawHTTPError(description: "connect failed errno \(errno)") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError(description: "send failed errno \(errno)") }
            off += n
        }
    }

    func send(_ s: String) throws { try send(Array(s.utf8)) }

    /// Sends a request with content-type application/json (unless overridden) and content-length.
    func request(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = []) throws {
        var s = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        var hasCT = false
        for (k, v) in headers {
            s += "\(k): \(v)\r\n"
            if k.lowercased() == "content-type" { hasCT = true }
        }
        if let b = body {
            if !hasCT { s += "Content-Type: application/json\r\n" }
            s += "Content-Length: \(b.utf8.count)\r\n\r\n" + b
        } else {
            s += "\r\n"
        }
        try send(s)
    }

    /// Fills the buffer; returns false on EOF/reset.
    private func fill() throws -> Bool {
        if pos > 0 && pos == buffer.count { buffer.removeAll(keepingCapacity: true); pos = 0 }
        var tmp = [UInt8](repeating: 0, count: 65536)
        let n = tmp.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { buffer += tmp[0..<n]; return true }
        if n == 0 { return false }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw RawHTTPError(description: "read timeout") }
        return false  // ECONNRESET etc.
    }

    private func readLine() throws -> String? {
        while true {
            if let i = buffer[pos...].firstIndex(of: 0x0A) {
                var line = Array(buffer[pos..<i])
                if line.last == 0x0D { line.removeLast() }
                pos = i + 1
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { return nil }
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8]? {
        while buffer.count - pos < n { guard try fill() else { return nil } }
        let out = Array(buffer[pos..<pos + n])
        pos += n
        return out
    }

    /// Reads one full response; `onChunk` sees each chunk as it arrives.
    func readResponse(onChunk: (([UInt8]) -> Void)? = nil) throws -> RawResponse {
        guard let statusLine = try readLine() else { throw RawHTTPError(description: "connection closed before status line") }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw RawHTTPError(description: "bad status line \(statusLine)") }
        var headers: [(String, String)] = []
        while let line = try readLine(), !line.isEmpty {
            guard let c = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<c]).lowercased(), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)))
        }
        var resp = RawResponse(status: status, statusLine: statusLine, headers: headers, body: [], chunks: [], chunked: false, truncated: false)
        if resp.header("transfer-encoding")?.lowercased() == "chunked" {
            resp.chunked = true
            while true {
                guard let sizeLine = try readLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    resp.truncated = true
                    break
                }
                if size == 0 { _ = try readLine(); break }
                guard let data = try readExactly(size), try readLine() != nil else { resp.truncated = true; break }
                resp.body += data
                resp.chunks.append((data, simMonotonicMicros()))
                onChunk?(data)
            }
        } else if let len = resp.header("content-length").flatMap(Int.init) {
            if let data = try readExactly(len) { resp.body = data } else { resp.truncated = true }
        }
        return resp
    }

    /// One request on a fresh connection.
    static func call(_ port: Int, _ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = []) throws -> RawResponse {
        let c = try RawHTTP(port: port)
        try c.request(method, path, body: body, headers: headers)
        return try c.readResponse()
    }

    /// True when the peer has closed (EOF or reset) within the timeout.
    func isClosed() -> Bool {
        do { return try !fill() } catch { return false }
    }
}

/// Starts a server for a test and stops it afterwards.
class SimTestCase: XCTestCase {
    var server: LoraxSimServer!
    var port: Int { server.port }

    /// Config for this test class; override for custom settings.
    func makeConfig() throws -> SimConfig { try SimConfig.profile("fast") }

    override func setUp() async throws {
        server = try await LoraxSimServer.start(try makeConfig())
    }

    override func tearDown() async throws {
        try await server?.shutdown()
        server = nil
    }
}
