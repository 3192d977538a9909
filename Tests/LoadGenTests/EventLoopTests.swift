import CCurl
import Dispatch
import Foundation
@testable import LoadGen
import Stats
import XCTest

/// The transport's event loop as users rely on it: a burst of tokens that arrived together is stamped together,
/// at the moment the loop saw it, and t_sent is when curl put the request on the wire.
final class EventLoopTests: XCTestCase {
    /// 20 streams whose first tokens all arrived while the loop was busy get one timestamp, taken when the loop
    /// woke (not before), and every callback runs on the transport queue.
    func testABurstServedInOneBatchSharesOneTimestampTakenAtReadiness() throws {
        for kind in [TransportLoopKind.thread, .dispatch] { try burst(kind) }
    }

    private func burst(_ kind: TransportLoopKind) throws {
        let streams = 20
        let server = try BurstServer(streams: streams)
        defer { server.stop() }
        let rig = try StreamsUnderTest(kind, streams: streams, server: server)
        let (loop, multi, done) = (rig.loop, rig.multi, rig.done)
        defer { loop.close() }
        XCTAssertTrue(server.waitForRequests(timeout: 10), "every stream reached the server")
        let releasedAt = rig.burst(server, heldMicros: 30_000, settleMicros: 30_000)
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "every stream ended")
        loop.sync { multi.shutdown() }

        let rs = loop.sync { rig.records }
        XCTAssertEqual(rs.count, streams)
        XCTAssertEqual(rs.filter { $0.errorClass == nil }.count, streams, "\(rs.compactMap(\.errorMessage))")
        let firsts = Set(rs.compactMap(\.firstTokenMicros))
        XCTAssertEqual(firsts.count, 1, "one clock read for the whole burst (\(kind))")
        XCTAssertGreaterThanOrEqual(firsts.first ?? 0, releasedAt, "stamped when the loop saw the bytes, not earlier")
        XCTAssertEqual(loop.sync { rig.offLoop }, 0, "completions run on the transport loop (\(kind))")
        XCTAssertEqual(rs.map(\.tokenEvents), Array(repeating: 2, count: streams))
        for r in rs { XCTAssertLessThanOrEqual(r.sentMicros, releasedAt, "t_sent precedes the tokens") }
        // No stamp precedes the send and the end follows the first token (a batch's clock read given to bytes of
        // another socket once made TTFT negative, wrapped to an hour).
        for r in rs {
            XCTAssertGreaterThanOrEqual(r.firstTokenMicros ?? 0, r.sentMicros)
            XCTAssertGreaterThanOrEqual(r.endMicros, r.firstTokenMicros ?? .max)
        }
    }

    /// A burst of 300 streams' tokens makes a batch long enough to look for sockets that became ready meanwhile; a
    /// socket a look finds again while it waits in the queue is not queued twice, so every token is counted once.
    /// (How many a look finds depends on timing: curl's own timer may read some sockets first.)
    func testALongBatchLooksForNewlyReadySocketsAndCountsEveryTokenOnce() throws {
        let streams = 300
        let server = try BurstServer(streams: streams)
        defer { server.stop() }
        let rig = try StreamsUnderTest(.thread, streams: streams, server: server)
        let (loop, multi, done) = (rig.loop, rig.multi, rig.done)
        defer { loop.close() }
        XCTAssertTrue(server.waitForRequests(timeout: 20), "every stream reached the server")
        usleep(100_000)  // the response heads are read
        let before = loop.sync { (multi.looks, multi.lookedUp) }
        var after = before
        let releasedAt = rig.burst(server, heldMicros: 50_000, settleMicros: 100_000) { after = loop.sync { (multi.looks, multi.lookedUp) } }
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success, "every stream ended")
        loop.sync { multi.shutdown() }

        let rs = loop.sync { rig.records }
        XCTAssertEqual(rs.filter { $0.errorClass == nil }.count, streams, "\(Set(rs.compactMap(\.errorMessage)))")
        XCTAssertEqual(rs.map(\.tokenEvents), Array(repeating: 2, count: streams), "each token counted once")
        XCTAssertGreaterThan(after.0, before.0, "the burst's batch looked in mid-batch")
        XCTAssertGreaterThan(after.1, 0, "looks found sockets that became ready during a batch")
        for r in rs { XCTAssertGreaterThanOrEqual(r.firstTokenMicros ?? 0, releasedAt, "stamped when seen, not earlier") }
    }

    /// t_sent is the moment curl is about to send (CURLOPT_PREREQFUNCTION), not when the request was handed over;
    /// TTFT counts from there.
    func testTSentIsWhenCurlSendsNotWhenTheRequestWasHandedOver() throws {
        let scenario = try loadGenScenario()
        let settings = TransferSettings(scenario: scenario, bearerToken: nil)
        let request = try RequestFactory(scenario: scenario, baseURL: "http://127.0.0.1:9").make(sequence: 0)
        let t = Transfer(request: request, settings: settings,
                         builder: RecordBuilder(sequence: 0, vu: 0, request: request, cold: false, intendedMicros: 1_000)) { _ in }
        t.sent(at: 1_100)  // handed to curl
        t.willSendAttempt(at: 1_350)  // connection open, request going out
        let r = t.complete(code: CURLE_OK, status: 200, connectMicros: 200, at: 2_000)
        XCTAssertEqual(r.sentMicros, 1_350)
        XCTAssertEqual(r.intendedMicros, 1_000)
        XCTAssertEqual(t.attempts, 1)
    }

    static func event(_ json: String) -> String {
        let payload = "data: \(json)\n\n"
        return String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n"
    }
}

/// `streams` transfers started on a fresh loop of `kind` against `server`; their records are kept on the loop and
/// `done` is signalled when every one has ended.
private final class StreamsUnderTest: @unchecked Sendable {  // @unchecked: `records`/`offLoop` are loop-confined.
    let loop: TransportLoop
    let multi: CurlMulti
    let done = DispatchSemaphore(value: 0)
    var records: [RequestRecord] = []
    /// Completions that ran off the loop thread (must stay 0).
    var offLoop = 0

    init(_ kind: TransportLoopKind, streams: Int, server: BurstServer) throws {
        let scenario = try loadGenScenario(["target": .object(["url": .string(server.baseURL), "api": .string("lorax")]),
                                            "vus": .int(Int64(streams))])
        let loop = kind.make(label: "test.transport")
        self.loop = loop
        multi = loop.sync { CurlMulti(loop: loop, maxConnections: streams + 8) }
        let settings = TransferSettings(scenario: scenario, bearerToken: nil)
        let factory = try RequestFactory(scenario: scenario, baseURL: server.baseURL)
        loop.sync {
            for i in 0..<streams {
                let request = factory.make(sequence: i)
                let builder = RecordBuilder(sequence: i, vu: i, request: request, cold: false, intendedMicros: MonotonicClock.nowMicros())
                multi.add(Transfer(request: request, settings: settings, builder: builder) { [self] record in
                    if !loop.isOnLoop { offLoop += 1 }
                    records.append(record)
                    if records.count == streams { done.signal() }
                })
            }
        }
    }

    /// Holds the loop while the server writes every stream's first token in the same instant, lets it go after
    /// `heldMicros`, waits `settleMicros`, calls `between`, then has the server write every stream's final token and
    /// end it. Returns when the loop was let go.
    func burst(_ server: BurstServer, heldMicros: UInt32, settleMicros: UInt32, between: () -> Void = {}) -> UInt64 {
        let held = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        loop.async { held.signal(); release.wait() }
        held.wait()
        server.writeToAll(EventLoopTests.event(#"{"token":{"id":1,"text":" a","logprob":0,"special":false},"generated_text":null,"details":null}"#))
        usleep(heldMicros)
        let releasedAt = MonotonicClock.nowMicros()
        release.signal()
        usleep(settleMicros)
        between()
        server.writeToAll(EventLoopTests.event(#"{"token":{"id":2,"text":" b","logprob":0,"special":false},"generated_text":" a b","details":{"finish_reason":"length","prompt_tokens":3,"generated_tokens":2}}"#)
                          + "0\r\n\r\n")
        return releasedAt
    }
}

/// A server that answers every stream's head at once and then writes to all of them when told to (a batching server).
private final class BurstServer: @unchecked Sendable {  // @unchecked: `clients` is guarded by `lock`.
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private let arrived = DispatchSemaphore(value: 0)
    private let streams: Int

    init(streams: Int) throws {
        self.streams = streams
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
              listen(fd, 256) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let c = accept(self.fd, nil, nil)
                if c < 0 { return }
                Thread.detachNewThread { self.answer(c) }
            }
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Reads one request (head and Content-Length body), then writes a chunked event-stream head.
    private func answer(_ c: Int32) {
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { close(c); return }
            got += buf[0..<n]
            let text = String(decoding: got, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text.utf8.distance(from: text.startIndex, to: headEnd.upperBound) >= length { break }
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        _ = head.withCString { write(c, $0, strlen($0)) }
        lock.withLock { clients.append(c) }
        arrived.signal()
    }

    func waitForRequests(timeout: TimeInterval) -> Bool {
        for _ in 0..<streams where arrived.wait(timeout: .now() + timeout) != .success { return false }
        return true
    }

    func writeToAll(_ text: String) {
        for c in lock.withLock({ clients }) { _ = text.withCString { write(c, $0, strlen($0)) } }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for c in lock.withLock({ clients }) { close(c) }
    }
}
