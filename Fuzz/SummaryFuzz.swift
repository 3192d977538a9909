// libFuzzer harness for the readers of result files users pass around (`report`, `compare`, `merge`):
// summary.json decoding with its checks, then everything the offline commands derive from it.
// Built only by scripts/fuzz.sh (never part of the package build).
//
// Input: the bytes of a summary.json. Besides "no crash", it checks that a summary that reads also renders,
// compares with itself and merges with itself without trapping.

import Foundation
import Stats

@_cdecl("LLVMFuzzerTestOneInput")
public func summaryFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let s = try? RunSummary.read(bytes, source: "fuzz") else { return 0 }
    _ = TerminalReport.render(s)
    _ = PrometheusExport.render(s)
    _ = HTMLDashboard.render(trend: [s, s])
    let c = RunComparison(base: s, new: s, tolerancePercent: 10, metrics: RunComparison.defaultMetrics)
    _ = c.render(baseLabel: "a", newLabel: "b")
    let merged = RunMerge.merge([s, s], sequential: true, version: "fuzz")
    _ = try? merged.encoded()
    return 0
}
