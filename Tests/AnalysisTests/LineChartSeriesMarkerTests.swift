import Testing
@testable import Analysis

/// A fitted curve drawn densely is a line without dots beside measured points with dots.
@Suite struct LineChartSeriesMarkerTests {
    @Test func aSeriesCanTurnItsMarkersOff() {
        let measured = LineChart.Series(name: "mean", points: [(0, 1), (1, 2), (2, 1.5)])
        let fitted = LineChart.Series(name: "fit", points: (0...50).map { (Double($0) / 25, 1 + Double($0) / 50) }, markers: false)
        let svg = LineChart(title: "t", xLabel: "m", yLabel: "y", series: [measured, fitted]).group(at: 0, 0)
        #expect(svg.components(separatedBy: "<circle ").count - 1 == 3)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        let none = LineChart(title: "t", xLabel: "m", yLabel: "y", series: [measured, fitted], markers: false).group(at: 0, 0)
        #expect(!none.contains("<circle "))
    }
}
