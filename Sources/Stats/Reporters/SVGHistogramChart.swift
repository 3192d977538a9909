import Foundation

/// One latency distribution as bars on a log axis (bins about 25 % wide, the Prometheus export's bounds), read from
/// the run's exact HDR histogram, so a run page shows the shape behind its percentiles (two modes, a long tail).
public struct SVGHistogramChart {
    public var title: String
    public var metric: TrackedMetric

    public init(title: String, metric: TrackedMetric) { self.title = title; self.metric = metric }

    /// (lower ms, upper ms, count) for every bin from the one holding the minimum to the one holding the maximum.
    public var bins: [(lower: Double, upper: Double, count: UInt64)] {
        guard metric.count > 0 else { return [] }
        let bounds = PrometheusExport.bucketBounds.map { $0 * 1000 }  // ms
        var counts = [UInt64](repeating: 0, count: bounds.count + 1)
        for v in metric.histogram.histogram.recordedValues() {
            let ms = Double(v.value) / 1000
            let i = bounds.firstIndex { ms <= $0 } ?? bounds.count
            counts[i] += UInt64(v.count)
        }
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return [] }
        return (first...last).map { i in
            (lower: i == 0 ? 0 : bounds[i - 1], upper: i < bounds.count ? bounds[i] : Double(metric.maxMicros) / 1000, count: counts[i])
        }
    }

    public func render() -> String {
        let w = 760.0, h = 300.0, left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
        let plotW = w - left - right, plotH = h - top - bottom
        let b = bins
        var s = """
        <svg data-chart="histogram" xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="22" font-size="15" font-weight="bold">\(HTMLDashboard.esc(title))</text>

        """
        guard !b.isEmpty else {
            return s + "<text x=\"\(left)\" y=\"\(top + 20)\">no samples</text>\n</svg>\n"
        }
        let maxY = SVGAxes.niceCeiling(Double(b.map(\.count).max() ?? 1))
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxY) }
        s += SVGAxes.yGrid(left: left, plotW: plotW, maxY: maxY, y: y)
        let barW = plotW / Double(b.count)
        for (i, bin) in b.enumerated() {
            let x = left + barW * Double(i)
            s += "<rect class=\"bar\" x=\"\(SVGAxes.coord(x + 1))\" y=\"\(SVGAxes.coord(y(Double(bin.count))))\" width=\"\(SVGAxes.coord(max(1, barW - 2)))\" "
                + "height=\"\(SVGAxes.coord(top + plotH - y(Double(bin.count))))\" fill=\"#1f77b4\"><title>\(ReportText.number(bin.lower))–"
                + "\(ReportText.number(bin.upper)) ms: \(bin.count) requests</title></rect>\n"
            if i % max(1, b.count / 8) == 0 {
                s += "<text x=\"\(SVGAxes.coord(x))\" y=\"\(SVGAxes.coord(top + plotH + 16))\" text-anchor=\"middle\">\(ReportText.number(bin.lower))</text>\n"
            }
        }
        s += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>\n"
        s += "<text x=\"\(SVGAxes.coord(left + plotW / 2))\" y=\"\(SVGAxes.coord(h - 18))\" text-anchor=\"middle\">ms (log scale, bins about 25 % wide)</text>\n"
        s += "<text transform=\"translate(18 \(SVGAxes.coord(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">requests</text>\n"
        return s + "</svg>\n"
    }
}
