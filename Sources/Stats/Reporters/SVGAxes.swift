import Foundation

/// What every SVG chart shares: coordinates as text, a round top for the y axis, and its grid with labels.
enum SVGAxes {
    /// A coordinate with one decimal, as every chart writes them.
    static func coord(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The smallest of 1, 2, 2.5, 5 or 10 × a power of ten at or above `v`, so the axis ends on a round number.
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let mag = pow(10, floor(log10(v)))
        for m in [1.0, 2, 2.5, 5, 10] where m * mag >= v { return m * mag }
        return 10 * mag
    }

    /// Six horizontal grid lines from 0 to `maxY`, each labelled at the left of the plot.
    static func yGrid(left: Double, plotW: Double, maxY: Double, y: (Double) -> Double) -> String {
        var s = ""
        for k in 0...5 {
            let v = maxY * Double(k) / 5
            s += "<line x1=\"\(left)\" y1=\"\(coord(y(v)))\" x2=\"\(left + plotW)\" y2=\"\(coord(y(v)))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(left - 8)\" y=\"\(coord(y(v) + 4))\" text-anchor=\"end\">\(ReportText.number(v))</text>\n"
        }
        return s
    }
}
