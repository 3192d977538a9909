import Foundation
import XCTest
@testable import LoraxSim

#if canImport(Glibc)
import Glibc
#endif

/// Throughput benchmark, not a timed test: skipped unless LORAXSIM_BENCH=1. Run it in release:
///   LORAXSIM_BENCH=1 swift test -c release --filter LoraxSimTests.BenchmarkTests
/// Knobs: LORAXSIM_BENCH_STREAMS (2000), LORAXSIM_BENCH_TOKENS (300), LORAXSIM_BENCH_DECODE_MS (80), LORAXSIM_BENCH_REPLICAS and LORAXSIM_BENCH_LEAD_US (the profile's).
/// The client is one epoll thread over raw sockets; the server's CPU is its event-loop thread's
/// utime+stime from /proc/self/task/TID/stat, so the client's own cost is excluded.
// Glibc's Swift module does not export epoll; declare the three calls we need.
@_silgen_name("epoll_create1") private func sysEpollCreate1(_ flags: Int32) -> Int32
@_silgen_name("epoll_ctl") private func sysEpollCtl(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ event: UnsafeMutableRawPointer) -> Int32
@_silgen_name("epoll_wait") private func sysEpollWait(_ epfd: Int32, _ events: UnsafeMutableRawPointer, _ max: Int32, _ timeout: Int32) -> Int32
#if arch(x86_64)
private let epollEventSize = 12, epollDataOffset = 4  // struct epoll_event is packed on x86_64
#else
private let epollEventSize = 16, epollDataOffset = 8
#endif

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
        let tokens = env("LORAXSIM_BENCH_TOKENS", 300)
        var cfg = try SimConfig.profile("bench")
        cfg.decodeBaseMs = Double(env("LORAXSIM_BENCH_DECODE_MS", 80))
        cfg.replicas = env("LORAXSIM_BENCH_REPLICAS", cfg.replicas)
        cfg.timerLeadMicros = env("LORAXSIM_BENCH_LEAD_US", cfg.timerLeadMicros)
        let server = try await LoraxSimServer.start(cfg)
        defer { Task { try? await server.shutdown() } }
        let port = server.port

        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        rl.rlim_cur = rl.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)

        let ep = sysEpollCreate1(0)
        var fds: [Int32] = []
        let evBuf = UnsafeMutableRawPointer.allocate(byteCount: epollEventSize * 1024, alignment: 8)
        defer { evBuf.deallocate() }
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
            evBuf.storeBytes(of: UInt32(1), toByteOffset: 0, as: UInt32.self)  // EPOLLIN
            evBuf.storeBytes(of: UInt64(i), toByteOffset: epollDataOffset, as: UInt64.self)
            _ = sysEpollCtl(ep, 1, fd, evBuf)  // EPOLL_CTL_ADD
            fds.append(fd)
        }
        let tSent = simMonotonicMicros()
        // Steady state only: the window opens 0.5 s after the last request went out and closes when
        // the first stream ends, so every stream is active throughout.
        var windowStart: (micros: UInt64, cpu: Double)?
        var windowEnd: (micros: UInt64, cpu: Double, stats: SimStats)?
        var remaining = streams
        var bytes = 0
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = t0 + UInt64(max(60, tokens / 2)) * 1_000_000
        while remaining > 0 && simMonotonicMicros() < deadline {
            let now = simMonotonicMicros()
            if windowStart == nil && now > tSent + 500_000 {
                await server.reset()
                windowStart = (simMonotonicMicros(), threadCPUSeconds(named: "NIO-ELT") ?? 0)
            }
            if windowStart != nil && windowEnd == nil && remaining < streams {
                windowEnd = (now, threadCPUSeconds(named: "NIO-ELT") ?? 0, server.stats())
            }
            let n = sysEpollWait(ep, evBuf, 1024, 100)
            if n <= 0 { continue }
            for k in 0..<Int(n) {
                let i = Int(evBuf.loadUnaligned(fromByteOffset: k * epollEventSize + epollDataOffset, as: UInt64.self))
                while true {
                    let r = buf.withUnsafeMutableBytes { recv(fds[i], $0.baseAddress, $0.count, 0) }
                    if r <= 0 {
                        if r == 0 && !done[i] { done[i] = true; remaining -= 1; XCTFail("stream \(i) closed early") }
                        break
                    }
                    bytes += r
                    tails[i] = Array((tails[i] + buf[0..<r]).suffix(5))
                    if tails[i] == Array("0\r\n\r\n".utf8) && !done[i] { done[i] = true; remaining -= 1 }
                    if r < buf.count { break }
                }
            }
        }
        let t1 = simMonotonicMicros()
        let cpu1 = threadCPUSeconds(named: "NIO-ELT") ?? 0
        for fd in fds { close(fd) }
        close(ep)
        let wall = Double(t1 - t0) / 1e6
        let ws = try XCTUnwrap(windowStart, "run too short for a steady-state window")
        let we = try XCTUnwrap(windowEnd)
        let st = we.stats
        let window = Double(we.micros - ws.micros) / 1e6
        let rate = Double(st.tokensWritten) / window
        let cpu = (we.cpu - ws.cpu) / window
        _ = (cpu0, cpu1)
        print("""
        BENCH streams=\(streams) tokens/stream=\(tokens) decode_base_ms=\(cfg.decodeBaseMs) replicas=\(cfg.replicas) timer_lead_us=\(cfg.timerLeadMicros) completed=\(streams - remaining)
        BENCH wall=\(String(format: "%.2f", wall))s connect+send=\(String(format: "%.2f", Double(tSent - t0) / 1e6))s bytes=\(bytes)
        BENCH steady window=\(String(format: "%.2f", window))s token_events=\(st.tokensWritten) rate=\(Int(rate))/s server_loop_cpu=\(String(format: "%.2f", cpu)) cores steps=\(st.steps)
        BENCH sched_error_us p50=\(st.schedulingErrorP50Micros) p99=\(st.schedulingErrorP99Micros) p99.9=\(st.schedulingErrorP999Micros) max=\(st.schedulingErrorMaxMicros)
        BENCH step_timer_lateness_us p99=\(st.stepLatenessP99Micros) max=\(st.stepLatenessMaxMicros)
        """)
        XCTAssertEqual(remaining, 0)
        try await server.shutdown()
    }
}
