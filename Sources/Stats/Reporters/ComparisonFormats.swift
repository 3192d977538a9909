import Foundation

/// `compare` for what CI systems read besides JSON: a Markdown table for pull-request comments and a JUnit XML
/// report (one test case per metric, a failure per regression) for test-report views.
extension RunComparison {
    public func markdown(baseLabel: String, newLabel: String, mismatches: [String]) -> String {
        func cell(_ v: Double?) -> String { v.map { ReportText.number($0) } ?? "–" }
        func ci(_ i: SamplingInterval?) -> String { i.map { ReportText.number($0.lower) + "–" + ReportText.number($0.upper) } ?? "–" }
        func escape(_ t: String) -> String { t.replacingOccurrences(of: "|", with: "\\|") }
        let failing = Set(regressions.map(\.metric))
        var out = ["### lorabench compare: " + (failing.isEmpty ? "no regression" : "\(failing.count) regression" + (failing.count == 1 ? "" : "s")), "",
                   "base: `\(escape(baseLabel))`" + (baseRuns > 1 ? " (\(baseRuns) runs pooled)" : "") + "  ", "new: `\(escape(newLabel))`", ""]
        if !mismatches.isEmpty { out += ["> **Warning**: the runs differ (" + escape(mismatches.joined(separator: "; ")) + ")", ""] }
        out.append("| metric | base | new | change | n base/new | base 95% CI | new 95% CI | verdict |")
        out.append("|---|---:|---:|---:|---:|---|---|---|")
        for l in lines {
            let verdict = failing.contains(l.metric) ? "**\(l.verdict.label)**" : l.verdict.label
            out.append("| `\(escape(l.metric))`\(l.gated ? " (gate ±\(ReportText.number(l.tolerancePercent))%)" : "") | \(cell(l.base)) | \(cell(l.new)) | "
                       + "\(l.changeText) | \(l.baseCount)/\(l.newCount) | \(ci(l.baseInterval)) | \(ci(l.newInterval)) | \(verdict) |")
        }
        out += ["", "A regression is a change beyond ±\(ReportText.number(tolerancePercent))% (or its gate's own) with the 95% intervals apart.", ""]
        return out.joined(separator: "\n")
    }

    public func junit(baseLabel: String, newLabel: String) -> String {
        func x(_ t: String) -> String {
            t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failing = Set(regressions.map(\.metric))
        var out = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                   #"<testsuites name="lorabench compare" tests="\#(lines.count)" failures="\#(failing.count)">"#,
                   #"  <testsuite name="\#(x(newLabel)) vs \#(x(baseLabel))" tests="\#(lines.count)" failures="\#(failing.count)" errors="0" skipped="0">"#]
        for l in lines {
            let detail = "base \(l.base.map { ReportText.number($0) } ?? "no data"), new \(l.new.map { ReportText.number($0) } ?? "no data"), "
                + "change \(l.changeText), n \(l.baseCount)/\(l.newCount), verdict \(l.verdict.label)"
            out.append(#"    <testcase classname="lorabench.compare" name="\#(x(l.metric))">"#)
            if failing.contains(l.metric) {
                out.append(#"      <failure message="\#(x(l.metric)) regressed \#(x(l.changeText))" type="regression">\#(x(detail))</failure>"#)
            } else {
                out.append("      <system-out>\(x(detail))</system-out>")
            }
            out.append("    </testcase>")
        }
        out += ["  </testsuite>", "</testsuites>", ""]
        return out.joined(separator: "\n")
    }
}
