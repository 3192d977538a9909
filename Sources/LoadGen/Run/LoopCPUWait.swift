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
    private var last: [String: UInt64]?
    private var totalNanos: UInt64 = 0
    private var worstNanos: UInt64 = 0
    private var secondsOver = 0
    private var samples = 0
    private let scope: String

    /// A second whose wait passes this counts as starved (`RunSummary.CPUWait.starvedSecondMs` says why this much).
    static let starvedSecondNanos = UInt64(RunSummary.CPUWait.starvedSecondMs) * 1_000_000

    /// The loops' own threads; nil: every thread of the process, listed again at each reading (libdispatch starts
    /// and ends workers during a run).
    private let threadIDs: [Int32]?

    init(threadIDs: [Int32?]) {
        let known = threadIDs.compactMap { $0 }
        self.threadIDs = !threadIDs.isEmpty && known.count == threadIDs.count ? known : nil
        scope = self.threadIDs == nil ? "process" : "event loop"
    }

    /// Reads the counters; the first call sets the baseline (the window's start), each later one closes a second.
    /// Per thread, so one that ends takes only its own counter with it; one that starts counts from zero.
    func sample() {
        guard let now = read() else { return }
        defer { last = now }
        guard let before = last else { return }
        var waited: UInt64 = 0
        for (id, w) in now {
            let prior = before[id] ?? 0
            guard w >= prior else { continue }  // the id of a thread that ended, reused by a new one
            waited = Self.sum(waited, w - prior)
        }
        totalNanos = Self.sum(totalNanos, waited)
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

    /// Kernel counters are trusted no further than their arithmetic: held at the maximum rather than trapping.
    private static func sum(_ a: UInt64, _ b: UInt64) -> UInt64 { a.addingReportingOverflow(b).overflow ? .max : a + b }

    private static func ms(_ ns: UInt64) -> Double { (Double(ns) / 1e4).rounded() / 100 }

    /// Each thread's run delay in nanoseconds; nil when no file could be read.
    private func read() -> [String: UInt64]? {
        var waits: [String: UInt64] = [:]
        let ids = threadIDs.map { $0.map(String.init) }
            ?? ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [])
        for id in ids {
            // The kernel's text, still checked: three decimal fields, the second is the wait.
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(id)/schedstat", encoding: .ascii) else { continue }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard fields.count >= 2, let w = UInt64(fields[1]) else { continue }
            waits[id] = w
        }
        return waits.isEmpty ? nil : waits
    }
}
