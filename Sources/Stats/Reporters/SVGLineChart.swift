import Foundation

/// A small self-contained SVG line chart (y linear from 0; x evenly spaced categories, or for counts that span
/// decades, such as adapter counts 0/1/25/100, a log(1 + x) axis so distances are honest), for sweeps and run pages.
public struct SVGLineChart {
    public struct Series {
        public var name: String
        public var points: [(Double, Double)]
        public var dashed: Bool
        public init(name: String, points: [(Double, Double)], dashed: Bool) { self.name = name; self.points = points; self.dashed = dashed }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The x values, shown evenly spaced in this order (or placed on a log(1 + x) axis with `logX`).
    public var xCategories: [Double]
    public var series: [Series]
    /// Place x on a log(1 + x) scale instead of evenly spaced categories.
    public var logX = false

    public init(title: String, xLabel: String, yLabel: String, xCategories: [Double], series: [Series], logX: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.xCategories = xCategories; self.series = series; self.logX = logX
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public func render() -> String {
        let w = 760.0, h = 440.0, left = 70.0, right = 200.0, top = 40.0, bottom = 60.0
        let plotW = w - left - right, plotH = h - top - bottom
        let maxY = niceCeiling(series.flatMap { $0.points.map(\.1) }.max() ?? 1)
        let logMax = log10(1 + (xCategories.max() ?? 0)), logMin = log10(1 + max(0, xCategories.min() ?? 0))
        func x(_ v: Double) -> Double {
            if logX, logMax > logMin { return left + plotW * (log10(1 + max(0, v)) - logMin) / (logMax - logMin) }
            guard let i = xCategories.firstIndex(of: v) else { return left }
            return xCategories.count == 1 ? left + plotW / 2 : left + plotW * Double(i) / Double(xCategories.count - 1)
        }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxY) }
        var s = """
        <svg data-chart="line" xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="22" font-size="15" font-weight="bold">\(escape(title))</text>

        """
        s += SVGAxes.yGrid(left: left, plotW: plotW, maxY: maxY, y: y)
        let labelStep = logX ? 1 : max(1, Int((Double(xCategories.count) / 12).rounded(.up)))
        for (i, c) in xCategories.enumerated() where i % labelStep == 0 {
            s += "<text x=\"\(f(x(c)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(ReportText.number(c))</text>\n"
        }
        s += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 18))\" text-anchor=\"middle\">\(escape(xLabel + (logX ? " (log scale)" : "")))</text>\n"
        s += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        var colourIndex: [String: Int] = [:]
        for (i, ser) in series.enumerated() {
            let base = ser.name.replacingOccurrences(of: " p50", with: "").replacingOccurrences(of: " p95", with: "")
            let ci = colourIndex[base] ?? colourIndex.count
            colourIndex[base] = ci
            let colour = Self.palette[ci % Self.palette.count]
            let pts = ser.points.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(ser.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(pts)\"/>\n"
            for p in ser.points {
                s += "<circle cx=\"\(f(x(p.0)))\" cy=\"\(f(y(p.1)))\" r=\"3\" fill=\"\(colour)\"><title>\(escape(ser.name)) at \(escape(xLabel)) "
                    + "\(ReportText.number(p.0)): \(ReportText.number(p.1)) \(escape(yLabel))</title></circle>\n"
            }
            let ly = top + 16 * Double(i)
            s += "<line x1=\"\(left + plotW + 15)\" y1=\"\(f(ly))\" x2=\"\(left + plotW + 40)\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(ser.dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
            s += "<text x=\"\(left + plotW + 46)\" y=\"\(f(ly + 4))\">\(escape(ser.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    private func f(_ v: Double) -> String { SVGAxes.coord(v) }

    private func niceCeiling(_ v: Double) -> Double { SVGAxes.niceCeiling(v) }

    private func escape(_ t: String) -> String { HTMLDashboard.esc(t) }
}
