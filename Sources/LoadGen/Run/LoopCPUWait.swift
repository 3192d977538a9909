import Foundation
import Stats

/// How long the transport's event loops were ready to run but waited for a CPU (the kernel's run delay, the second
/// field of /proc/self/task/TID/schedstat). Every byte that arrived while a loop waited is stamped late by that wait,
/// so a run whose machine is saturated (a server spinning on every core beside it) says so rather than passing the
/// delay off as the server's: against vLLM's CPU build sharing both cores, loops waited up to 560 ms in one second
/// and a packet capture showed tokens stamped 300 ms after they arrived.
/// With a dispatch-queue loop (no thread of its own) every thread of the process is counted.
/// Threading: sampled on the run's stats queue only.
final class LoopCPUWait {
    private let paths: [String]
    private var last: UInt64?
    private var totalNanos: UInt64 = 0
    private var worstNanos: UInt64 = 0
    private var secondsOver = 0
    private var samples = 0
    private let scope: String

    /// A second whose wait passes this (2 % of it) counts as starved: the quick start, with the simulator's threads
    /// in the same process on a quiet 2-core VM, waited up to 9.3 ms in a second; a CPU-bound vLLM beside it, 1.2 s.
    static let starvedSecondNanos: UInt64 = 20_000_000

    init(threadIDs: [Int32?]) {
        if !threadIDs.isEmpty, threadIDs.allSatisfy({ $0 != nil }) {
            paths = threadIDs.map { "/proc/self/task/\($0!)/schedstat" }
            scope = "event loop"
        } else {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            paths = tasks.map { "/proc/self/task/\($0)/schedstat" }
            scope = "process"
        }
    }

    /// Reads the counters; the first call sets the baseline (the window's start), each later one closes a second.
    func sample() {
        guard let now = read() else { return }
        defer { last = now }
        guard let before = last else { return }
        let waited = now >= before ? now - before : 0  // a thread that ended takes its counter with it
        totalNanos += waited
        worstNanos = max(worstNanos, waited)
        if waited > Self.starvedSecondNanos { secondsOver += 1 }
        samples += 1
    }

    /// nil when the kernel does not keep run delays (no schedstat), so nothing is claimed either way.
    var summary: RunSummary.CPUWait? {
        guard samples > 0 else { return nil }
        return RunSummary.CPUWait(scope: scope, totalMs: Self.ms(totalNanos), worstSecondMs: Self.ms(worstNanos),
                                  starvedSeconds: secondsOver, seconds: samples)
    }

    private static func ms(_ ns: UInt64) -> Double { (Double(ns) / 1e4).rounded() / 100 }

    /// Sum of the run delays in nanoseconds; nil when no file could be read.
    private func read() -> UInt64? {
        var sum: UInt64 = 0, any = false
        for p in paths {
            // The kernel's text, still checked: three decimal fields, the second is the wait.
            guard let text = try? String(contentsOfFile: p, encoding: .ascii) else { continue }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard fields.count >= 2, let w = UInt64(fields[1]) else { continue }
            sum = sum.addingReportingOverflow(w).overflow ? .max : sum + w
            any = true
        }
        return any ? sum : nil
    }
}
