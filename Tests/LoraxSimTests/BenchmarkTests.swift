import Foundation
import XCTest
@testable import LoraxSim

#if canImport(Glibc)
import Glibc
#endif

/// Throughput benchmark, not a timed test: skipped unless LORAXSIM_BENCH=1. Run it in release:
///   LORAXSIM_BENCH=1 swift test -c release --filter LoraxSimTests.BenchmarkTests
/// Knobs: LORAXSIM_BENCH_STREAMS (2000), LORAXSIM_BENCH_TOKENS (200), LORAXSIM_BENCH_DECODE_MS (20).
/// The client is one poll(2) thread over raw sockets; the server's CPU is its event-loop thread's
/// utime+stime from /proc/self/task/TID/stat, so the client's own cost is excluded.
final class BenchmarkTests: XCTestCase {
    func env(_ k: String, _ d: Int) -> Int { ProcessInfo.processInfo.environment[k].flatMap(Int.init) ?? d }

    func threadCPUSeconds(named prefix: String) -> Double? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        for t in tasks {
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(t)/comm", encoding: .utf8), comm.hasPrefix(prefix),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(t)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is state (field 3); utime is field 14, stime 15.
            guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { continue }
            return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        return nil
    }

    func testThroughput() async throws {
        guard ProcessInfo.processInfo.environment["LORAXSIM_BENCH"] == "1" else { throw XCTSkip("set LORAXSIM_BENCH=1") }
        let streams = env("LORAXSIM_BENCH_STREAMS", 2000)
        let tokens = env("LORAXSIM_BENCH_TOKENS", 200)
        var cfg = try SimConfig.profile("bench")
        cfg.decodeBaseMs = Double(env("LORAXSIM_BENCH_DECODE_MS", 20))
        let server = try await LoraxSimServer.start(cfg)
        defer { Task { try? await server.shutdown() } }
        let port = server.port

        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        rl.rlim_cur = rl.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)

        var fds: [Int32] = []
        var tails = [[UInt8]](repeating: [], count: streams)
        var done = [Bool](repeating: false, count: streams)
        let body = "{\"inputs\":\"hello world\",\"parameters\":{\"max_new_tokens\":\(tokens)}}"
        let req = Array("POST /generate_stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let cpu0 = threadCPUSeconds(named: "NIO-ELT") ?? 0
        let t0 = simMonotonicMicros()
        for i in 0..<streams {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            XCTAssertEqual(rc, 0, "connect \(i) errno \(errno)")
            _ = req.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            fds.append(fd)
        }
        let tSent = simMonotonicMicros()
        var remaining = streams
        var bytes = 0
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var pfds = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let deadline = t0 + UInt64(max(60, tokens / 2)) * 1_000_000
        while remaining > 0 && simMonotonicMicros() < deadline {
            let n = poll(&pfds, nfds_t(pfds.count), 100)
            if n <= 0 { continue }
            for i in 0..<pfds.count where pfds[i].revents != 0 {
                pfds[i].revents = 0
                while true {
                    let r = buf.withUnsafeMutableBytes { recv(fds[i], $0.baseAddress, $0.count, 0) }
                    if r <= 0 {
                        if r == 0 && !done[i] { done[i] = true; remaining -= 1; XCTFail("stream \(i) closed early") }
                        break
                    }
                    bytes += r
                    tails[i] = Array((tails[i] + buf[0..<r]).suffix(5))
                    if tails[i] == Array("0\r\n\r\n".utf8) && !done[i] { done[i] = true; remaining -= 1; pfds[i].fd = -1 }
                    if r < buf.count { break }
                }
            }
        }
        let t1 = simMonotonicMicros()
        let cpu1 = threadCPUSeconds(named: "NIO-ELT") ?? 0
        for fd in fds { close(fd) }
        let st = server.stats()
        let wall = Double(t1 - t0) / 1e6
        let rate = Double(st.tokensWritten) / wall
        let cpu = (cpu1 - cpu0) / wall
        print("""
        BENCH streams=\(streams) tokens/stream=\(tokens) decode_base_ms=\(cfg.decodeBaseMs) completed=\(streams - remaining)
        BENCH wall=\(String(format: "%.2f", wall))s connect+send=\(String(format: "%.2f", Double(tSent - t0) / 1e6))s token_events=\(st.tokensWritten) rate=\(Int(rate))/s bytes=\(bytes)
        BENCH server_loop_cpu=\(String(format: "%.2f", cpu)) cores steps=\(st.steps)
        BENCH sched_error_us p50=\(st.schedulingErrorP50Micros) p99=\(st.schedulingErrorP99Micros) p99.9=\(st.schedulingErrorP999Micros) max=\(st.schedulingErrorMaxMicros)
        BENCH step_timer_lateness_us p99=\(st.stepLatenessP99Micros) max=\(st.stepLatenessMaxMicros)
        """)
        XCTAssertEqual(remaining, 0)
        try await server.shutdown()
    }
}
