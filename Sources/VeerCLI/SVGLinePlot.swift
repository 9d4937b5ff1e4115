import Foundation

/// A small line chart as SVG text: points joined per series, linear axes from zero with round ticks, a legend. Enough
/// for benchmark curves; written by hand because no maintained Swift plotting package targets Linux.
struct SVGLinePlot {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [(name: String, points: [(Double, Double)])]

    static let width = 480.0, height = 320.0
    static let margin = (left: 64.0, right: 16.0, top: 32.0, bottom: 48.0)
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    /// The chart as an SVG group at (x, y).
    func group(at x: Double, _ y: Double) -> String {
        let all = series.flatMap(\.points)
        let xMax = Self.roundUp(all.map(\.0).max() ?? 1), yMax = Self.roundUp(all.map(\.1).max() ?? 1)
        let m = Self.margin
        let plotWidth = Self.width - m.left - m.right, plotHeight = Self.height - m.top - m.bottom
        func px(_ v: Double) -> Double { m.left + plotWidth * v / xMax }
        func py(_ v: Double) -> Double { m.top + plotHeight * (1 - v / yMax) }
        var out = ["<g transform=\"translate(\(x),\(y))\">",
                   "<text x=\"\(Self.width / 2)\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(Self.escape(title))</text>",
                   "<line x1=\"\(m.left)\" y1=\"\(py(0))\" x2=\"\(px(xMax))\" y2=\"\(py(0))\" stroke=\"black\"/>",
                   "<line x1=\"\(m.left)\" y1=\"\(py(0))\" x2=\"\(m.left)\" y2=\"\(py(yMax))\" stroke=\"black\"/>"]
        for i in 0...4 {
            let xv = xMax * Double(i) / 4, yv = yMax * Double(i) / 4
            out.append("<text x=\"\(px(xv))\" y=\"\(py(0) + 16)\" text-anchor=\"middle\" font-size=\"11\">\(Self.label(xv))</text>")
            out.append("<text x=\"\(m.left - 6)\" y=\"\(py(yv) + 4)\" text-anchor=\"end\" font-size=\"11\">\(Self.label(yv))</text>")
            out.append("<line x1=\"\(m.left)\" y1=\"\(py(yv))\" x2=\"\(px(xMax))\" y2=\"\(py(yv))\" stroke=\"#ddd\"/>")
        }
        out.append("<text x=\"\(m.left + plotWidth / 2)\" y=\"\(Self.height - 10)\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(xLabel))</text>")
        out.append("<text transform=\"translate(14,\(m.top + plotHeight / 2)) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(yLabel))</text>")
        for (i, s) in series.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let points = s.points.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            out.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>")
            for p in s.points {
                out.append(String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", px(p.0), py(p.1), colour))
            }
            out.append("<text x=\"\(m.left + 8)\" y=\"\(m.top + 14 + 14 * Double(i))\" font-size=\"11\" fill=\"\(colour)\">\(Self.escape(s.name))</text>")
        }
        out.append("</g>")
        return out.joined(separator: "\n")
    }

    /// Charts in one row, as a whole SVG document.
    static func sideBySide(_ plots: [SVGLinePlot]) -> String {
        let total = width * Double(plots.count)
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(total)\" height=\"\(height)\" font-family=\"sans-serif\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"]
        for (i, plot) in plots.enumerated() { out.append(plot.group(at: width * Double(i), 0)) }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The smallest 1, 2 or 5 × 10^k at or above `value` (positive), so ticks at quarters stay readable.
    static func roundUp(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * power >= value { return step * power }
        return 10 * power
    }

    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%.3g", v)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
