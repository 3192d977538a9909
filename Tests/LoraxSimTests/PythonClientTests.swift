import Foundation
import XCTest
@testable import LoraxSim

/// The official Python client (`lorax-client` from PyPI) against the simulator.
///
/// It installs the client into a throwaway virtual environment under the temp directory (reused by
/// later runs when it already imports) and fails, saying so, when python3 or PyPI is unavailable.
/// Set LORAXSIM_SKIP_PYTHON=1 to skip it offline.
final class PythonClientTests: XCTestCase {
    @discardableResult
    func run(_ args: [String], timeout: TimeInterval, env: [String: String] = [:]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let outURL = URL(fileURLWithPath: NSTemporaryDirectory() + "loraxsim-py-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outURL)
        defer { try? FileManager.default.removeItem(at: outURL) }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try? handle.close()
        let data = (try? Data(contentsOf: outURL)) ?? Data()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func venvPython() throws -> String {
        let dir = NSTemporaryDirectory() + "lorabench-lorax-client-venv"
        let py = dir + "/bin/python"
        if FileManager.default.fileExists(atPath: py), (try? run([py, "-c", "import lorax"], timeout: 30).status) == 0 { return py }
        let mk = try run(["python3", "-m", "venv", dir], timeout: 60)
        guard mk.status == 0 else { XCTFail("python3 -m venv failed (is python3 installed?):\n\(mk.out)"); throw XCTSkip("no venv") }
        let pip = try run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "lorax-client"], timeout: 180)
        guard pip.status == 0 else {
            XCTFail("could not install lorax-client from PyPI (unreachable?):\n\(pip.out)")
            throw XCTSkip("no lorax-client")
        }
        return py
    }

    func testOfficialClientGenerateAndStream() async throws {
        if ProcessInfo.processInfo.environment["LORAXSIM_SKIP_PYTHON"] == "1" { throw XCTSkip("LORAXSIM_SKIP_PYTHON=1") }
        let py = try venvPython()
        var cfg = try SimConfig.profile("fast")
        cfg.apiToken = "tok"
        let s = try await startSim(self, cfg)
        let script = """
        import json, sys
        from lorax import Client
        base = sys.argv[1]
        out = {}
        c = Client(base, headers={"Authorization": "Bearer tok"})
        r = c.generate("What is deep learning?", max_new_tokens=6)
        out["text"] = r.generated_text
        out["gen_tokens"] = r.details.generated_tokens
        out["finish"] = str(r.details.finish_reason.value if hasattr(r.details.finish_reason, "value") else r.details.finish_reason)
        out["token_texts"] = "".join(t.text for t in r.details.tokens)
        ra = c.generate("hi", adapter_id="org/adapter", max_new_tokens=2)
        out["adapter_text_len"] = len(ra.details.tokens)
        events = list(c.generate_stream("What is deep learning?", max_new_tokens=5))
        out["stream_count"] = len(events)
        out["stream_text"] = "".join(e.token.text for e in events if not e.token.special)
        out["stream_final"] = events[-1].generated_text
        out["stream_details"] = events[-1].details.generated_tokens
        out["stream_nulls"] = all(e.generated_text is None for e in events[:-1])
        gw = Client(base + "/tenant/deployments/v2/llms/dep", headers={"Authorization": "Bearer tok"})
        out["gateway_text"] = gw.generate("x", max_new_tokens=1).generated_text is not None
        try:
            c.generate("x", max_new_tokens=5000)
            out["validation"] = "no error"
        except Exception as e:
            out["validation"] = type(e).__name__
        print(json.dumps(out))
        """
        let res = try run([py, "-c", script, s.baseURL], timeout: 60)
        XCTAssertEqual(res.status, 0, res.out)
        guard let line = res.out.split(separator: "\n").last,
              let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            XCTFail("no JSON from the client:\n\(res.out)")
            return
        }
        XCTAssertEqual(obj["gen_tokens"] as? Int, 6)
        XCTAssertEqual(obj["finish"] as? String, "length")
        XCTAssertEqual(obj["text"] as? String, obj["token_texts"] as? String)
        XCTAssertEqual(obj["adapter_text_len"] as? Int, 2)
        XCTAssertEqual(obj["stream_count"] as? Int, 5)
        XCTAssertEqual(obj["stream_final"] as? String, obj["stream_text"] as? String)
        XCTAssertEqual(obj["stream_details"] as? Int, 5)
        XCTAssertEqual(obj["stream_nulls"] as? Bool, true)
        XCTAssertEqual(obj["gateway_text"] as? Bool, true)
        XCTAssertEqual(obj["validation"] as? String, "ValidationError")
        let recs = s.requests()
        XCTAssertEqual(recs.map(\.route), ["/", "/", "/", "/", "/"])
        XCTAssertEqual(recs.last?.status, 422)
        XCTAssertEqual(recs.last?.errorType, "validation")
        XCTAssertEqual(recs.filter { $0.adapter == "org/adapter" }.count, 1)
    }
}
