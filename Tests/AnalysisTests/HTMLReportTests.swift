import Foundation
import Testing
@testable import Analysis

@Suite struct HTMLReportTests {
    /// The report is one document with everything inline: its charts as SVG, no scripts and no outside resources.
    @Test func reportIsSelfContainedWithItsFigures() {
        var report = HTMLReport(title: "veer sweep: <caa>")
        report.heading("Token probabilities")
        report.paragraph("p & q")
        report.list(["one", "two"])
        report.table(header: ["alpha", "ΔCE"], rows: [["0", "0.000"], ["4", "nan (degenerate)"]])
        report.code("veer sweep --steer a.gguf --alphas -4:4:5")
        let chart = LineChart(title: "p vs α", xLabel: "α", yLabel: "p", series: [.init(name: "a", points: [(0, 0.1), (1, 0.2)])])
        report.figure(name: "token-probability", charts: [chart, chart], caption: "Two charts")
        let html = report.html
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>veer sweep: &lt;caa&gt;</title>") && html.contains("<p>p &amp; q</p>"))
        #expect(html.contains("<td class=\"n\">0.000</td>") && html.contains("<td>nan (degenerate)</td>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && html.contains("<figcaption>Two charts</figcaption>"))
        // Nothing is fetched: no scripts, no src or href attributes, no stylesheet links.
        for outside in ["<script", "src=", "href=", "<link"] { #expect(!html.contains(outside)) }
        #expect(report.figures.count == 1 && report.figures[0].name == "token-probability")
        #expect(report.figures[0].svg.hasPrefix("<svg") && report.figures[0].svg.components(separatedBy: "<polyline").count - 1 == 2)
    }
}
