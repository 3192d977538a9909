import Foundation

/// A self-contained SVG chart of one number across runs (x = each run's start time, labelled with date and name and
/// linked to each run; runs in start order when a start does not parse), where a run without a value is a gap in
/// its line, never a 0, an all-failed run a red marker and a partial one (stopped early) an orange one.
public struct SVGTrendChart {
    /// One slot on the x axis: a run.
    public struct Run {
        public var label: String
        public var date: String
        public var link: String?
        /// Every request failed: marked on the axis, since its latencies do not exist.
        public var failed: Bool
        /// Stopped before its schedule ended (a signal, or an abortOnFail threshold): its numbers cover less.
        public var partial: Bool
        /// Start, Unix seconds; nil when unknown.
        public var time: Double?
        public init(label: String, date: String, link: String?, failed: Bool, partial: Bool = false, time: Double? = nil) {
            self.label = label; self.date = date; self.link = link; self.failed = failed; self.partial = partial; self.time = time
        }
    }

    /// One line: values at some run slots (nil: the run has no value, a gap); series with one `colourKey` share a colour.
    public struct Series {
        public var name: String
        public var colourKey: String
        public var points: [(slot: Int, value: Double?)]
        public var dashed: Bool
        /// The group (scenario and tags) the page's filter shows or hides it by.
        public var group: String
        public init(name: String, colourKey: String, points: [(slot: Int, value: Double?)], dashed: Bool, group: String = "") {
            self.name = name; self.colourKey = colourKey; self.points = points; self.dashed = dashed; self.group = group
        }
    }

    public var id: String
    public var title: String
    public var unit: String
    public var runs: [Run]
    public var series: [Series]
    /// Horizontal lines for threshold limits on this chart, each with its label.
    public var limits: [(value: Double, label: String)] = []

    public init(id: String, title: String, unit: String, runs: [Run], series: [Series], limits: [(value: Double, label: String)] = []) {
        self.id = id; self.title = title; self.unit = unit; self.runs = runs; self.series = series; self.limits = limits
    }

    public func render() -> String {
        let w = 1240.0, h = 380.0, left = 130.0, right = 250.0, top = 40.0, bottom = 90.0
        let plotW = w - left - right, plotH = h - top - bottom
        let values = series.flatMap { $0.points.compactMap(\.value) } + limits.map(\.value)
        let maxY = niceCeiling(values.max() ?? 1)
        let times = runs.compactMap(\.time)
        let span = (times.max() ?? 0) - (times.min() ?? 0)
        let byTime = times.count == runs.count && span > 0
        func x(_ slot: Int) -> Double {
            if byTime { return left + plotW * (runs[slot].time! - times.min()!) / span }
            return runs.count <= 1 ? left + plotW / 2 : left + plotW * Double(slot) / Double(runs.count - 1)
        }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxY) }
        var s = """
        <svg id="\(esc(id))" class="chart" data-x-axis="\(byTime ? "time" : "order")" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(w)) \(Int(h))" width="100%" font-family="sans-serif" font-size="13">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="24" font-size="17" font-weight="bold">\(esc(title))</text>

        """
        s += SVGAxes.yGrid(left: left, plotW: plotW, maxY: maxY, y: y)
        s += "<text transform=\"translate(20 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(unit))</text>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>\n"
        let labelStep = max(1, Int((Double(runs.count) / 16).rounded(.up)))
        var lastLabelX = -Double.infinity
        for (i, r) in runs.enumerated() {
            if r.failed {
                s += "<line class=\"failed-run\" x1=\"\(f(x(i)))\" y1=\"\(top)\" x2=\"\(f(x(i)))\" y2=\"\(top + plotH)\" stroke=\"#d62728\" stroke-dasharray=\"3 3\"/>\n"
                s += "<text class=\"failed-marker\" x=\"\(f(x(i)))\" y=\"\(f(top + plotH - 6))\" text-anchor=\"middle\" fill=\"#d62728\" font-weight=\"bold\" font-size=\"18\">✗<title>\(esc(r.label)): every request failed, no latency</title></text>\n"
            }
            if r.partial && !r.failed {
                s += "<text class=\"partial-marker\" x=\"\(f(x(i)))\" y=\"\(f(top + plotH - 6))\" text-anchor=\"middle\" fill=\"#ff7f0e\" font-weight=\"bold\" font-size=\"16\">◐<title>\(esc(r.label)): stopped early, its numbers cover part of the schedule</title></text>\n"
            }
            // Labels are thinned by count and kept 60 px apart (runs close in time would print over each other).
            guard i % labelStep == 0 || i == runs.count - 1, x(i) - lastLabelX >= 60 else { continue }
            lastLabelX = x(i)
            let label = "<text transform=\"translate(\(f(x(i))) \(f(top + plotH + 16))) rotate(-25)\" text-anchor=\"end\">"
                + "<tspan>\(esc(r.date))</tspan><tspan x=\"0\" dy=\"14\">\(esc(r.label))</tspan></text>"
            s += (r.link.map { "<a href=\"\(esc($0))\">\(label)</a>" } ?? label) + "\n"
        }
        for l in limits {
            s += "<line class=\"limit\" x1=\"\(left)\" y1=\"\(f(y(l.value)))\" x2=\"\(left + plotW)\" y2=\"\(f(y(l.value)))\" stroke=\"#d62728\" stroke-width=\"1\" stroke-dasharray=\"8 3\"/>\n"
            s += "<text x=\"\(left + plotW - 4)\" y=\"\(f(y(l.value) - 4))\" text-anchor=\"end\" fill=\"#d62728\">\(esc(l.label))</text>\n"
        }
        var colours: [String: Int] = [:]
        for (i, ser) in series.enumerated() {
            let ci = colours[ser.colourKey] ?? colours.count
            colours[ser.colourKey] = ci
            let colour = Self.palette[ci % Self.palette.count]
            let dash = ser.dashed ? " stroke-dasharray=\"6 4\"" : ""
            s += "<g class=\"series\" data-group=\"\(esc(ser.group))\">\n"
            // A run without a value ends one line segment; the next value starts another.
            var segments: [[(Int, Double)]] = [[]]
            for p in ser.points {
                if let v = p.value { segments[segments.count - 1].append((p.slot, v)) } else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            for seg in segments where seg.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\"" + seg.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ") + "\"/>\n"
            }
            for p in ser.points {
                guard let v = p.value else { continue }
                s += "<circle cx=\"\(f(x(p.slot)))\" cy=\"\(f(y(v)))\" r=\"4\" fill=\"\(colour)\"><title>\(esc(ser.name)), \(esc(runs[p.slot].label)) (\(esc(runs[p.slot].date))): \(ReportText.number(v)) \(esc(unit))</title></circle>\n"
            }
            let ly = top + 18 * Double(i)
            s += "<line x1=\"\(left + plotW + 15)\" y1=\"\(f(ly))\" x2=\"\(left + plotW + 40)\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text x=\"\(left + plotW + 46)\" y=\"\(f(ly + 4))\">\(esc(ser.name))</text>\n"
            s += "</g>\n"
        }
        return s + "</svg>\n"
    }

    static let palette = SVGLineChart.palette

    private func f(_ v: Double) -> String { SVGAxes.coord(v) }

    private func niceCeiling(_ v: Double) -> Double { SVGAxes.niceCeiling(v) }

    private func esc(_ t: String) -> String { HTMLDashboard.esc(t) }
}
