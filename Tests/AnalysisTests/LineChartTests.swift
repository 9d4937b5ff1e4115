import Foundation
import Testing
@testable import Analysis

@Suite struct LineChartTests {
    @Test func axisCoversTheDataWithRoundTicks() {
        let sweep = AxisScale(covering: [-200, -3, 0, 150])
        #expect(sweep.lower <= -200 && sweep.upper >= 150)
        #expect(sweep.ticks.count >= 4 && sweep.ticks.count <= 9)
        #expect(sweep.ticks.contains(0))
        // A small offset from zero is drawn from zero; a far one is not.
        #expect(AxisScale(covering: [2, 5]).lower == 0)
        #expect(AxisScale(covering: [100, 101]).lower > 50)
        // A constant series still gets a non-empty axis.
        let flat = AxisScale(covering: [3, 3])
        #expect(flat.lower < 3 && flat.upper > 3)
        #expect(AxisScale.label(0.25) == "0.25" && AxisScale.label(-50) == "-50" && AxisScale.label(1e-17) == "0")
    }

    /// Every drawn point lies inside the plot area (no clipping), negative values included; a NaN breaks the line.
    @Test func pointsStayInsideThePlotAreaAndNaNBreaksTheLine() throws {
        let points: [(x: Double, y: Double)] = [(-200, -0.4), (-100, 0.1), (0, .nan), (100, 0.9), (200, 0.2)]
        let chart = LineChart(title: "Δp vs α", xLabel: "α (strength)", yLabel: "Δp", series: [.init(name: "token <a>", points: points)])
        let svg = chart.group(at: 0, 0)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("token &lt;a&gt;") && svg.contains("α (strength)"))
        let area = LineChart.plotArea
        let circles = svg.components(separatedBy: "<circle ").dropFirst()
        #expect(circles.count == 4)
        for circle in circles {
            let cx = try #require(Double(circle.components(separatedBy: "cx=\"")[1].prefix { $0 != "\"" }))
            let cy = try #require(Double(circle.components(separatedBy: "cy=\"")[1].prefix { $0 != "\"" }))
            #expect(cx >= area.left && cx <= area.right && cy >= area.top && cy <= area.bottom, "(\(cx), \(cy))")
        }
        #expect(svg.contains("stroke=\"#888\""), "a zero line where the y axis spans zero")
    }

    @Test func documentLaysChartsOutInAGrid() {
        let chart = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", points: [(0, 1), (1, 2)])])
        let svg = LineChart.document([chart, chart, chart], columns: 2)
        #expect(svg.hasPrefix("<svg") && svg.contains("width=\"960.0\"") && svg.contains("height=\"640.0\""))
        #expect(svg.contains("translate(480.0,0.0)") && svg.contains("translate(0.0,320.0)"))
    }
}
