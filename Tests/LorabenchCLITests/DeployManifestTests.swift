import ArgumentParser
import Foundation
@testable import LorabenchCLI
import LoadGen
import LoraxSim
import Stats
import XCTest

/// deploy/kubernetes and the Dockerfile, offline: the manifests against Kubernetes' schemas (kubernetes-validate,
/// installed by scripts/test.sh), their lorabench command lines through the CLI's own parser, the merge Job's
/// scripts run for real on segment folders, and the image recipe consistent with the manifests.
final class DeployManifestTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let deploy = repo + "/deploy/kubernetes"
    static let resources = ["results-pvc.yaml", "segments-job.yaml", "merge-job.yaml"]

    /// Runs `executable ARGS` to its end; its exit status and what it printed (stdout and stderr together).
    static func tool(_ executable: String, _ args: [String], environment: [String: String]? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let environment { p.environment = environment }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func text(_ name: String) throws -> String { try String(contentsOfFile: Self.deploy + "/" + name, encoding: .utf8) }

    /// `KEY=value` literals of the kustomization's lorabench-run ConfigMap.
    func literals() throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try text("kustomization.yaml").split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("- "), let eq = t.firstIndex(of: "="), t.range(of: "^- [A-Z_]+=", options: .regularExpression) != nil else { continue }
            out[String(t[t.index(t.startIndex, offsetBy: 2)..<eq])] = String(t[t.index(after: eq)...])
        }
        return out
    }

    /// The `args: [...]` lines of a manifest, as the argument lists they are (JSON arrays are YAML flow sequences).
    func flowArgs(_ name: String) throws -> [[String]] {
        try text(name).split(separator: "\n").compactMap { line -> [String]? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("args: [") else { return nil }
            return try JSONSerialization.jsonObject(with: Data(t.dropFirst("args: ".count).utf8)) as? [String]
        }
    }

    /// The `args:` block scalars (`- |`) of a manifest: the shell scripts its containers run.
    func scripts(_ name: String) throws -> [String] {
        let lines = try text(name).components(separatedBy: "\n")
        var out: [String] = []
        var i = 0
        while i < lines.count {
            if lines[i].trimmingCharacters(in: .whitespaces) == "args:", i + 1 < lines.count, lines[i + 1].trimmingCharacters(in: .whitespaces) == "- |" {
                let indent = lines[i + 1].prefix { $0 == " " }.count + 2
                var body: [String] = []
                var j = i + 2
                while j < lines.count, lines[j].prefix(while: { $0 == " " }).count >= indent || lines[j].isEmpty {
                    body.append(String(lines[j].dropFirst(min(indent, lines[j].count))))
                    j += 1
                }
                out.append(body.joined(separator: "\n"))
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// `$(NAME)` references expanded from `values`; fails on one the container does not define.
    func expand(_ arg: String, _ values: [String: String], defined: Set<String>) -> String {
        var s = arg
        while let r = s.range(of: #"\$\([A-Z_]+\)"#, options: .regularExpression) {
            let name = String(s[r].dropFirst(2).dropLast())
            XCTAssertTrue(defined.contains(name), "$(\(name)) is not in the container's env")
            s.replaceSubrange(r, with: values[name] ?? "?")
        }
        return s
    }

    func envNames(_ name: String) throws -> Set<String> {
        Set(try text(name).split(separator: "\n").compactMap { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("- name: ") && t.dropFirst(8).allSatisfy({ $0.isUppercase || $0 == "_" }) ? String(t.dropFirst(8)) : nil
        })
    }

    func testSegmentPodsCommandLineIsTheCLIsForEveryIndex() throws {
        let lit = try literals()
        let n = Int(lit["SEGMENTS"]!)!
        let job = try text("segments-job.yaml")
        XCTAssertTrue(job.contains("completionMode: Indexed"))
        XCTAssertTrue(job.contains("  completions: \(n)\n") && job.contains("  parallelism: \(n)\n"),
                      "the Job's own completions/parallelism match SEGMENTS (the kustomization replaces them too)")
        let args = try flowArgs("segments-job.yaml")
        XCTAssertEqual(args.count, 1)
        let defined = try envNames("segments-job.yaml")
        let startAt = ISO8601DateFormatter().string(from: Date().addingTimeInterval(300))
        var outs = Set<String>()
        for i in 0..<n {
            let values = ["JOB_COMPLETION_INDEX": String(i), "SEGMENTS": String(n), "SCENARIO": lit["SCENARIO"]!, "START_AT": startAt, "RUN_ID": "nightly-1"]
            let argv = args[0].map { expand($0, values, defined: defined) }
            let command = try LorabenchCommand.parseAsRoot(argv)
            guard let run = command as? RunCommand else { return XCTFail("not a run command: \(argv)") }
            let plan = try run.segments.plan(scenarioName: "a100")
            XCTAssertEqual(plan.segment, try ExecutionSegmentValue(i, n))
            XCTAssertEqual(plan.runId, "nightly-1")
            XCTAssertEqual(plan.startAt.map { ISO8601DateFormatter().string(from: $0) }, startAt)
            XCTAssertTrue(run.quiet)
            outs.insert(run.results.out!)
        }
        XCTAssertEqual(outs, Set((0..<n).map { "/results/nightly-1/segment-\($0)" }), "one folder per segment on the shared volume")

        // The scenario is one the image carries, and its auth_env is the variable the Secret fills.
        let scenario = lit["SCENARIO"]!
        XCTAssertTrue(scenario.hasPrefix("/opt/lorabench/scenarios/"))
        let local = Self.repo + "/scenarios/" + (scenario as NSString).lastPathComponent
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: local))) as! [String: Any]
        let authEnv = (doc["target"] as! [String: Any])["auth_env"] as! String
        XCTAssertTrue(defined.contains(authEnv))
        XCTAssertTrue(job.contains("- name: \(authEnv)\n          valueFrom:\n            secretKeyRef:\n              name: lorabench-gateway-token\n              key: token"))
    }

    /// The merge Job's two scripts, run with /bin/sh on real segment folders (the shared volume is a temporary folder).
    func testMergeJobScriptsMergeTheSegmentsAndNameAMissingOne() async throws {
        let scripts = try scripts("merge-job.yaml")
        XCTAssertEqual(scripts.count, 2, "the init container's wait and the merge")
        let lorabenchLines = scripts[1].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("lorabench ") }
        XCTAssertEqual(lorabenchLines.count, 3)
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        guard FileManager.default.isExecutableFile(atPath: binDir + "/lorabench") else { throw XCTSkip("no lorabench binary beside the tests in \(binDir)") }

        let h = try await SimHarness.start(#"{"profile":"fast"}"#)
        defer { Task { await h.stop() } }
        let root = SimHarness.tempDir()
        let path = try writeTempScenario("""
        {"name":"k8s","target":{"url":"\(h.sim.baseURL)"},"rate":12,"duration":"1s","max_vus":6,
         "input_words":{"min":5,"max":8},"max_new_tokens":{"min":4,"max":8},"health":{"interval":"50ms","timeout":"5s"},
         "thresholds":{"error_rate":"< 0.5"}}
        """)
        for i in 0..<3 {
            let r = await lorabench(["run", path, "--segment", "\(i)/3", "--run-id", "job-1", "--out", "\(root)/job-1/segment-\(i)", "--quiet"])
            XCTAssertEqual(r.code, LorabenchExit.ok, r.err)
        }
        func sh(_ script: String, _ env: [String: String]) throws -> (Int32, String) {
            var e = ProcessInfo.processInfo.environment
            e["PATH"] = binDir + ":" + (e["PATH"] ?? "/usr/bin:/bin")
            e.merge(env) { $1 }
            return try Self.tool("/bin/sh", ["-c", script.replacingOccurrences(of: "/results", with: root)], environment: e)
        }
        let env = ["SEGMENTS": "3", "WAIT_SECONDS": "5", "RUN_ID": "job-1", "PUSHGATEWAY_URL": ""]
        let wait = try sh(scripts[0], env)
        XCTAssertEqual(wait.0, 0, wait.1)
        XCTAssertEqual(wait.1, "", "every segment is there: no waiting, nothing said")
        let merge = try sh(scripts[1], env)
        XCTAssertEqual(merge.0, 0, merge.1)
        let merged = try ResultFiles.summary(at: "\(root)/job-1/merged")
        XCTAssertEqual(merged.requests.succeeded, 12)
        XCTAssertEqual(merged.run.segments, ["0/3", "1/3", "2/3"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/job-1/merged/dashboard.html"))

        // A segment that never finished: the wait gives up at its deadline and the merge names the segment (exit 104).
        let late = ["SEGMENTS": "3", "WAIT_SECONDS": "1", "RUN_ID": "job-1", "PUSHGATEWAY_URL": ""]
        try FileManager.default.removeItem(atPath: "\(root)/job-1/merged")
        try FileManager.default.removeItem(atPath: "\(root)/job-1/segment-2")
        let gaveUp = try sh(scripts[0], late)
        XCTAssertEqual(gaveUp.0, 0)
        XCTAssertEqual(gaveUp.1, "2 of 3 segments wrote summary.json within 1s; merging names the missing ones\n")
        let refused = try sh(scripts[1], late)
        XCTAssertEqual(refused.0, 104)
        XCTAssertEqual(refused.1, "lorabench: merge: run job-1 is missing segment 2/3 (have 0/3, 1/3)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(root)/job-1/merged/summary.json"))
    }

    func testManifestsPassKubernetesSchemas() throws {
        let candidates = [Self.repo + "/.build/deploy-venv/bin/kubernetes-validate"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/kubernetes-validate" }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("kubernetes-validate is not installed (scripts/test.sh installs it from PyPI into .build/deploy-venv)")
        }
        func validate(_ files: [String]) throws -> (Int32, String) { try Self.tool(tool, ["--strict"] + files) }
        let ok = try validate(Self.resources.map { Self.deploy + "/" + $0 })
        XCTAssertEqual(ok.0, 0, ok.1)
        for (file, kind) in [("results-pvc.yaml", "persistentvolumeclaim/lorabench-results"), ("segments-job.yaml", "job/lorabench-segments"),
                             ("merge-job.yaml", "job/lorabench-merge")] {
            XCTAssertTrue(ok.1.contains("\(file) passed for resource \(kind)"), ok.1)
        }
        // The check can fail: a misspelt field is refused.
        let broken = NSTemporaryDirectory() + "broken-\(UUID().uuidString).yaml"
        try (try text("segments-job.yaml")).replacingOccurrences(of: "  parallelism:", with: "  paralelism:").write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try validate([broken])
        XCTAssertNotEqual(bad.0, 0, bad.1)
        XCTAssertTrue(bad.1.contains("paralelism"), bad.1)
    }

    /// The kustomization renders (kubectl's built-in kustomize), SEGMENTS reaches both counts, and the result passes.
    func testKustomizationRendersWithTheSplitCarriedIntoTheJob() throws {
        guard let kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("kubectl is not installed: the kustomization is not rendered here (the resources are still validated one by one)")
        }
        let (status, out) = try Self.tool(kubectl, ["kustomize", Self.deploy])
        XCTAssertEqual(status, 0, out)
        let n = try literals()["SEGMENTS"]!
        XCTAssertTrue(out.contains("  completions: \(n)\n  parallelism: \(n)\n"), out)
        XCTAssertEqual(out.components(separatedBy: "image: lorabench:0.1.0").count - 1, 3, "three containers on the tagged image")
        XCTAssertTrue(out.contains("SEGMENTS: \"\(n)\""))
    }

    func testDockerfileBuildsOnSwiftAndRunsSlimAsTheManifestsUser() throws {
        let docker = try String(contentsOfFile: Self.repo + "/Dockerfile", encoding: .utf8)
        let froms = docker.split(separator: "\n").filter { $0.hasPrefix("FROM ") }.map(String.init)
        XCTAssertEqual(froms.count, 2, "multi-stage: build, then run")
        let tools = try String(contentsOfFile: Self.repo + "/Package.swift", encoding: .utf8).split(separator: "\n")[0]
        let version = tools.replacingOccurrences(of: "// swift-tools-version: ", with: "")
        XCTAssertTrue(froms[0].hasPrefix("FROM swift:\(version)-"), "the official image of the package's tools version: \(froms[0])")
        XCTAssertTrue(froms[1].range(of: #"^FROM debian:[a-z]+-slim$"#, options: .regularExpression) != nil, froms[1])
        XCTAssertTrue(docker.contains("libcurl4-openssl-dev") && docker.contains(" libcurl4 "))
        XCTAssertTrue(docker.contains("--static-swift-stdlib"))
        XCTAssertTrue(docker.contains("COPY scenarios /opt/lorabench/scenarios"))
        XCTAssertTrue(docker.contains("ENTRYPOINT [\"lorabench\"]"), "the segment pods pass only args")
        let user = docker.split(separator: "\n").first { $0.hasPrefix("USER ") }.map(String.init)
        XCTAssertEqual(user, "USER 10001:10001")
        for file in ["segments-job.yaml", "merge-job.yaml"] {
            let t = try text(file)
            XCTAssertTrue(t.contains("runAsNonRoot: true") && t.contains("runAsUser: 10001") && t.contains("runAsGroup: 10001"), file)
        }
    }
}

/// An `ExecutionSegment` for comparisons in these tests.
private func ExecutionSegmentValue(_ i: Int, _ n: Int) throws -> LoadGen.ExecutionSegment { try LoadGen.ExecutionSegment(index: i, count: n) }
