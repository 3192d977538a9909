import Foundation
import LoadGen
import Stats
import XCTest

/// TLS verification against a local HTTPS server whose self-signed certificate is made in the test: verification
/// is on by default (a `connect` error), `target.ca_file` trusts a private CA, `target.insecure` turns it off.
final class TLSTests: XCTestCase {
    private var dir = ""
    private var server: Process?
    private var serverStdin: Pipe?
    private var port = 0

    override func setUp() async throws {
        dir = NSTemporaryDirectory() + "lorabench-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        guard let openssl = Self.which("openssl"), let python = Self.which("python3") else {
            throw XCTSkip("TLS test needs the openssl CLI and python3 on PATH")
        }
        // A P-256 key and a self-signed certificate for 127.0.0.1 (SAN, so hostname verification can pass).
        let status = try Self.runTool(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1",
                                                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        XCTAssertEqual(status, 0, "openssl req failed")
        try Self.serverScript.write(toFile: dir + "/server.py", atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [dir + "/server.py", dir + "/cert.pem", dir + "/key.pem"]
        let out = Pipe(), stdin = Pipe()
        p.standardOutput = out
        p.standardInput = stdin  // the server exits when this closes, so it never outlives the test process
        p.standardError = FileHandle.nullDevice  // an inherited stderr would keep `swift test` waiting after a crash
        try p.run()
        server = p
        serverStdin = stdin
        // The server prints its port once it listens; nothing else is written to stdout.
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("test HTTPS server did not start (python3 without ssl?)")
        }
        self.port = port
    }

    override func tearDown() async throws {
        // SIGKILL: the child inherits the test thread's signal mask, in which SIGTERM may be blocked.
        if let server, server.isRunning { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        try? serverStdin?.fileHandleForWriting.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testSelfSignedCertificateIsRefusedByDefault() async throws {
        let out = try await run(target: [:], health: false)
        XCTAssertGreaterThan(out.summary.requests.total, 0)
        XCTAssertEqual(out.summary.requests.succeeded, 0)
        XCTAssertEqual(out.summary.requests.errors["connect"], out.summary.requests.total,
                       "every request fails verification: \(out.summary.requests.errors)")
    }

    func testCAFileTrustsThePrivateCertificate() async throws {
        let out = try await run(target: ["ca_file": .string(dir + "/cert.pem")], health: true)
        XCTAssertGreaterThan(out.summary.requests.total, 0)
        XCTAssertEqual(out.summary.requests.succeeded, out.summary.requests.total, "errors: \(out.summary.requests.errors)")
        try assertTokensCounted(out)
    }

    func testInsecureSkipsVerification() async throws {
        let out = try await run(target: ["insecure": .bool(true)], health: true)
        XCTAssertGreaterThan(out.summary.requests.total, 0)
        XCTAssertEqual(out.summary.requests.succeeded, out.summary.requests.total, "errors: \(out.summary.requests.errors)")
        try assertTokensCounted(out)
    }

    func testHealthCheckFailsOnUntrustedCertificate() async throws {
        do {
            _ = try await run(target: [:], health: true, healthTimeout: "500ms")
            XCTFail("the health check must not pass on an unverified certificate")
        } catch let e as RunError {
            guard case .unhealthy = e else { return XCTFail("expected unhealthy, got \(e)") }
        }
    }

    // MARK: - helpers

    private var baseURL: String { "https://127.0.0.1:\(port)" }

    private func run(target: [String: JSONValue], health: Bool, healthTimeout: String = "5s") async throws -> RunOutcome {
        var t: [String: JSONValue] = ["url": .string(baseURL)]
        t.merge(target) { $1 }
        let doc: JSONValue = .object([
            "name": .string("tls"), "target": .object(t), "concurrency": .int(2), "duration": .string("600ms"),
            "think_time": .string("50ms"), "max_new_tokens": .int(4),
            "health": health ? .object(["interval": .string("50ms"), "timeout": .string(healthTimeout), "warmup": .bool(false)])
                             : .bool(false),
        ])
        let s = try ScenarioLoader.load(document: doc, file: "tls.json", environment: [:])
        var o = RunOptions()
        o.outDir = SimHarness.tempDir()
        return try await Runner(scenario: s, baseURL: baseURL, options: o).run()
    }

    private func assertTokensCounted(_ out: RunOutcome) throws {
        let rows = try readRequestsCSV(out.directory)
        XCTAssertEqual(rows.count, out.summary.requests.total)
        for row in rows { XCTAssertEqual(row["output_tokens"], "4", "\(row)") }
    }

    private static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map { "\($0)/\(tool)" } + ["/usr/bin/\(tool)"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func runTool(_ path: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A tiny HTTPS server: GET /health answers 200, POST /generate_stream a four-token LoRAX stream.
    /// The TLS handshake runs in each connection's thread, so a client refusing the certificate blocks nothing.
    private static let serverScript = #"""
    import http.server, json, os, signal, ssl, sys, threading

    signal.pthread_sigmask(signal.SIG_SETMASK, [])  # the mask inherited from a test thread may block SIGTERM

    def exit_when_parent_goes():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=exit_when_parent_goes, daemon=True).start()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection; the body ends when the connection closes

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200 if self.path == "/health" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != "/generate_stream":
                self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            words = [" a", " b", " c", " d"]
            for i, w in enumerate(words):
                last = i == len(words) - 1
                event = {"token": {"id": i, "text": w, "logprob": -0.1, "special": False},
                         "generated_text": "".join(words) if last else None,
                         "details": {"finish_reason": "length", "prompt_tokens": 3, "generated_tokens": 4} if last else None}
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                self.wfile.flush()

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def finish_request(self, request, client_address):
            try:
                request = ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            self.RequestHandlerClass(request, client_address, self)

        def handle_error(self, request, client_address):
            pass

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
