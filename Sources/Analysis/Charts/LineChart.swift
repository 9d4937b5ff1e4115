import Foundation

/// A line chart as SVG text: one polyline per series (broken where a value is not finite), axes over the data's
/// range with round ticks and a zero line, labelled axes, a legend with swatches. Written by hand because no
/// maintained Swift plotting package targets Linux; benchmark curves and the steering analyses' reports share it.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Dots at this series' points; nil: the chart's `markers` (a fitted curve drawn densely sets false).
        public var markers: Bool?
        public init(name: String, points: [(x: Double, y: Double)], markers: Bool? = nil) {
            self.name = name; self.points = points; self.markers = markers
        }
    }

    public var title: String
    /// Axis titles, with their units (e.g. "context tokens", "ms / token").
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Draw a dot at every point (off for dense sweeps).
    public var markers: Bool

    public init(title: String, xLabel: String, yLabel: String, series: [Series], markers: Bool = true) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.markers = markers
    }

    public static let width = 480.0, height = 320.0
    static let margin = (left: 64.0, right: 16.0, top: 32.0, bottom: 48.0)
    /// Colour-blind-safe (Okabe-Ito) series colours.
    public static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// The plot area in the chart's own coordinates.
    public static var plotArea: (left: Double, right: Double, top: Double, bottom: Double) {
        (margin.left, width - margin.right, margin.top, height - margin.bottom)
    }

    public var xScale: AxisScale { AxisScale(covering: series.flatMap { $0.points.map(\.x) }) }
    public var yScale: AxisScale { AxisScale(covering: series.flatMap { $0.points.map(\.y) }) }

    /// The chart as an SVG group translated to (x, y).
    public func group(at x: Double, _ y: Double) -> String {
        let area = Self.plotArea, xs = xScale, ys = yScale
        func px(_ v: Double) -> Double { xs.position(v, from: area.left, to: area.right) }
        func py(_ v: Double) -> Double { ys.position(v, from: area.bottom, to: area.top) }
        var out = ["<g transform=\"translate(\(x),\(y))\">",
                   "<text x=\"\(Self.width / 2)\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(Markup.escape(title))</text>"]
        for t in xs.ticks {
            out.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", px(t), area.top, px(t), area.bottom))
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%@</text>",
                              px(t), area.bottom + 16, AxisScale.label(t)))
        }
        for t in ys.ticks {
            out.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", area.left, py(t), area.right, py(t)))
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%@</text>",
                              area.left - 6, py(t) + 4, AxisScale.label(t)))
        }
        out.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>",
                          area.left, area.top, area.right - area.left, area.bottom - area.top))
        if ys.lower < 0, ys.upper > 0 {
            out.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>", area.left, py(0), area.right, py(0)))
        }
        out.append("<text x=\"\((area.left + area.right) / 2)\" y=\"\(Self.height - 10)\" text-anchor=\"middle\" font-size=\"12\">\(Markup.escape(xLabel))</text>")
        out.append("<text transform=\"translate(14,\((area.top + area.bottom) / 2)) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(Markup.escape(yLabel))</text>")
        for (i, s) in series.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            for run in Self.finiteRuns(s.points) {
                let points = run.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
                out.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>")
                if s.markers ?? markers {
                    for p in run { out.append(String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", px(p.x), py(p.y), colour)) }
                }
            }
            let ly = area.top + 14 + 14 * Double(i)
            out.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\"/>",
                              area.left + 8, ly - 4, area.left + 24, ly - 4, colour))
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%@</text>", area.left + 28, ly, Markup.escape(s.name)))
        }
        out.append("</g>")
        return out.joined(separator: "\n")
    }

    /// Charts in a grid of `columns`, as a whole SVG document on a white background.
    public static func document(_ charts: [LineChart], columns: Int = 2) -> String {
        let perRow = max(1, min(columns, charts.count))
        let rows = (charts.count + perRow - 1) / perRow
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width * Double(perRow))\" height=\"\(height * Double(max(rows, 1)))\" font-family=\"sans-serif\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"]
        for (i, chart) in charts.enumerated() {
            out.append(chart.group(at: width * Double(i % perRow), height * Double(i / perRow)))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The series' points split where a coordinate is not finite.
    static func finiteRuns(_ points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for p in points {
            if p.x.isFinite, p.y.isFinite { runs[runs.count - 1].append(p) }
            else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        return runs.filter { !$0.isEmpty }
    }
}
