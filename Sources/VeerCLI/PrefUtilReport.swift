import Analysis
import Foundation

/// The text table and the HTML report of `veer prefutil`.
enum PrefUtilReport {
    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(format: "%.4g", x)
    }

    static func number(_ x: Double?, digits: Int = 3) -> String {
        x.map { String(format: "%.\(digits)f", $0) } ?? "-"
    }

    /// What was scored, in one line.
    static func summary(_ d: PrefUtilDocument) -> String {
        let p = d.protocol
        return "\(p.pairs) pairs of \(p.pairs_file); answer \(p.answer), loss \(p.loss)"
    }

    static func rows(_ d: PrefUtilDocument) -> [[String]] {
        d.curve.map { p in
            [format(p.multiplier), number(p.positive_loss), number(p.negative_loss),
             number(p.preference_odds), number(p.preference_odds_se), number(p.utility_odds), number(p.utility_odds_se),
             number(p.positive_preferred), "\(p.clamped)", "\(p.degenerate_pairs)"]
        }
    }

    static let header = ["m", "L_p", "L_n", "PrefOdds", "±se", "UtilOdds", "±se", "P(A_p>A_n)", "clamped", "degenerate"]

    static func describe(_ fit: PrefUtilDocument.Fit) -> String {
        guard fit.fitted, let parameters = fit.parameters else { return "not fitted: \(fit.reason ?? "")" }
        let values = parameters.sorted { $0.key < $1.key }.map { "\($0.key) = \(String(format: "%.4g", $0.value))" }
        let r2 = fit.r_squared.map { String(format: "%.4f", $0) } ?? "undefined"
        return values.joined(separator: ", ") + "; R² = \(r2)" + (fit.converged == true ? "" : " (did not converge)")
    }

    static func printTable(_ d: PrefUtilDocument) {
        var lines = ["prefutil: " + summary(d)]
        let table = [header] + rows(d)
        let widths = header.indices.map { c in table.map { $0[c].count }.max()! }
        lines += table.map { row in row.enumerated().map { String(repeating: " ", count: widths[$0] - $1.count) + $1 }.joined(separator: "  ") }
        lines.append("preference fit (\(PrefUtilDocument.preferenceFormula)): \(describe(d.fits.preference))")
        lines.append("utility fit (\(PrefUtilDocument.utilityFormula)): \(describe(d.fits.utility))")
        lines.append("utility clamped for \(d.clamped_total) of \(d.protocol.pairs * d.multipliers.count) (pair, multiplier); wall \(String(format: "%.1f", d.wall_seconds)) s")
        print(lines.joined(separator: "\n"))
    }

    /// The mean curve's points, skipping multipliers without a value.
    static func series(_ name: String, _ d: PrefUtilDocument, _ value: (PrefUtilDocument.Point) -> Double?) -> LineChart.Series {
        LineChart.Series(name: name, points: d.curve.map { ($0.multiplier, value($0) ?? .nan) })
    }

    /// A fitted curve drawn densely over the multipliers' range.
    static func fitted(_ fit: PrefUtilDocument.Fit, _ d: PrefUtilDocument, _ f: @escaping (Double, [String: Double]) -> Double) -> [LineChart.Series] {
        guard fit.fitted, let p = fit.parameters, let low = d.multipliers.first, let high = d.multipliers.last, high > low else { return [] }
        let r2 = fit.r_squared.map { String(format: "%.3f", $0) } ?? "undefined"
        let points = (0...100).map { i -> (x: Double, y: Double) in
            let m = low + (high - low) * Double(i) / 100
            return (m, f(m, p))
        }
        return [LineChart.Series(name: "fit, R² = \(r2)", points: points, markers: false)]
    }

    static func decay(_ m: Double, _ p: [String: Double]) -> Double {
        RationalQuadraticDecay(center: p["m0"]!, shape: p["gamma"]!, length: p["l"]!)(m)
    }

    static func html(_ d: PrefUtilDocument, command: [String]) -> HTMLReport {
        var r = HTMLReport(title: "veer prefutil: \(URL(fileURLWithPath: d.protocol.pairs_file).deletingPathExtension().lastPathComponent)")
        r.code(command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))
        r.paragraph(summary(d) + ". " + d.protocol.rendering + ". Steering: "
                    + (d.run.steering?.vectors.map { "\($0.path) (S = \($0.strength))" }.joined(separator: " + ") ?? "none")
                    + ", scaled by each multiplier m; m = 0 is the unsteered model. Model \(d.run.model), \(d.run.backend), \(d.run.precision).")
        let loss = d.protocol.loss == "sequence" ? "nats per answer" : "nats per token"
        let preference = LineChart(title: "Preference log-odds", xLabel: "multiplier m", yLabel: "PrefOdds = L_n − L_p (\(loss))",
                                   series: [series("mean over pairs", d, \.preference_odds)]
                                       + fitted(d.fits.preference, d) { m, p in (p["a"]! * m + p["b"]!) * decay(m, p) + p["c"]! })
        r.figure(name: "preference", charts: [preference], columns: 1,
                 caption: "Mean PrefOdds over the pairs at each multiplier, and the fit (a·m + b)·D(m) + c. " + describe(d.fits.preference))
        let utility = LineChart(title: "Utility log-odds", xLabel: "multiplier m", yLabel: "UtilOdds = logit P(u) (log-odds)",
                                series: [series("mean over pairs", d, \.utility_odds)]
                                    + fitted(d.fits.utility, d) { m, p in p["A"]! * decay(m, p) + p["B"]! })
        r.figure(name: "utility", charts: [utility], columns: 1,
                 caption: "Mean UtilOdds, P(u) = e^−L_p + e^−L_n clamped to [1e-6, 1 − 1e-6] (\(d.clamped_total) clamped), and the fit A·D(m) + B. " + describe(d.fits.utility))
        let losses = LineChart(title: "Answer losses", xLabel: "multiplier m", yLabel: "L (\(loss))",
                               series: [series("L_p (behaviour-matching)", d, \.positive_loss), series("L_n (not matching)", d, \.negative_loss)])
        r.figure(name: "losses", charts: [losses], columns: 1, caption: "Mean losses of the two answers over the pairs.")
        r.heading("Per multiplier")
        r.table(header: header, rows: rows(d))
        r.paragraph("Wall time \(String(format: "%.1f", d.wall_seconds)) s.")
        return r
    }
}
