import Analysis
import Foundation

/// The steering-strength paper's three laws (spec §3.3) checked on one sweep's curves (`StrengthLaws`): the shapes
/// of the tracked token probabilities on each side of 0, a sigmoid fit of the concept probability, and the
/// quadratic fit of ΔCE near 0. In `veer sweep --json` as `laws`, and in the report.
struct SweepLaws: Encodable {
    struct Side: Encodable {
        var prompt: Int
        /// "positive" (alpha ≥ 0, the tokens most probable at the largest alpha) or "negative".
        var side: String
        var shapes: StrengthLaws.TokenShapes
    }
    struct ConceptFit: Encodable {
        var scorer: String
        var fit: StrengthLaws.SigmoidFit?
        var error: String?
    }

    var token_shapes: [Side]
    /// The smallest probability change that counts in a shape.
    var shape_tolerance: Double
    var concept: [ConceptFit]
    var cross_entropy: StrengthLaws.QuadraticFit?
    var cross_entropy_error: String?

    static let shapeTolerance = 0.01
    /// A concept rate that moves by less than this over the grid is reported as flat rather than fitted.
    static let flatConcept = 0.1

    init(_ d: SweepDocument, topK: Int) {
        let alphas = d.alphas
        token_shapes = d.prompts.enumerated().flatMap { p, prompt -> [Side] in
            [(side: "positive", rank: \SweepDocument.TrackedToken.rank_at_max, indices: alphas.indices.filter { alphas[$0] >= 0 }),
             (side: "negative", rank: \SweepDocument.TrackedToken.rank_at_min, indices: alphas.indices.filter { alphas[$0] <= 0 }.reversed())]
                .compactMap { end -> Side? in
                    guard end.indices.count >= 2 else { return nil }
                    let tokens = prompt.tracked_tokens.filter { ($0[keyPath: end.rank] ?? .max) <= topK }
                        .sorted { $0[keyPath: end.rank]! < $1[keyPath: end.rank]! }
                    let curves = tokens.map { t in (token: t.text, probabilities: end.indices.map { t.probability[$0] ?? .nan }) }
                    return Side(prompt: p + 1, side: end.side,
                                shapes: StrengthLaws.tokenShapes(alphas: end.indices.map { alphas[$0] }, curves: curves,
                                                                 tolerance: Self.shapeTolerance))
                }
        }
        shape_tolerance = Self.shapeTolerance
        concept = []
        if let c = d.concept {
            let scorers: [(String, [Double?])] = [("judge", c.rows.map { $0.judge?.probability }),
                                                   ("lexicon", c.rows.map { $0.lexicon?.probability })]
            for (name, values) in scorers where values.contains(where: { $0 != nil }) {
                do {
                    concept.append(ConceptFit(scorer: name, fit: try StrengthLaws.sigmoid(alphas: c.rows.map(\.alpha), values: values.map { $0 ?? .nan })))
                } catch { concept.append(ConceptFit(scorer: name, error: "\(error)")) }
            }
        }
        if let ce = d.cross_entropy {
            // The window: the five grid values nearest 0 (0 included), where the law is local.
            let window = ce.points.map { abs($0.alpha) }.sorted().prefix(5).last ?? 0
            do {
                cross_entropy = try StrengthLaws.quadratic(alphas: ce.points.map(\.alpha),
                                                           deltaCE: ce.points.map { $0.delta_cross_entropy ?? .nan }, window: window)
            } catch { cross_entropy_error = "\(error)" }
        }
    }

    /// One line per law, for the table and the report.
    var verdicts: [String] {
        var lines = token_shapes.map { side in
            let counts = ["increasing", "bump", "decreasing", "flat", "other"].compactMap { k in side.shapes.counts[k].map { "\($0) \(k)" } }
            let peaks = side.shapes.tokens.filter { $0.shape == .bump }.map { "\(SweepTable.quoted($0.token)) at \(SweepTable.number($0.peak_alpha))" }
            return "token probabilities, prompt \(side.prompt), alpha \(side.side == "positive" ? "≥" : "≤") 0: \(counts.joined(separator: ", "))"
                + (peaks.isEmpty ? "" : "; bumps peak at \(peaks.joined(separator: ", "))")
                + "; the top token \(side.shapes.top_token_monotone ? "rises monotonically" : "does not rise monotonically")"
        }
        for c in concept {
            if let f = c.fit, f.value_range < Self.flatConcept {
                lines.append(String(format: "concept probability (%@): flat, it moves by %.3f over the grid (under %.2f): no sigmoid to see",
                                    c.scorer, f.value_range, Self.flatConcept))
            } else if let f = c.fit {
                lines.append(String(format: "concept probability (%@): sigmoid R² %.3f (a line: %.3f), from %.2f to %.2f, midpoint alpha %.3g",
                                    c.scorer, f.r_squared, f.linear_r_squared, f.lower, f.upper, f.midpoint))
            } else { lines.append("concept probability (\(c.scorer)): no sigmoid fit (\(c.error ?? ""))") }
        }
        if let q = cross_entropy {
            lines.append(String(format: "cross-entropy near 0 (|alpha| ≤ %.3g, %d points): ΔCE ≈ %.4g·alpha + %.4g·alpha², R² %.3f, linear share %.2f",
                                q.window, q.points, q.linear, q.quadratic, q.r_squared, q.linear_share))
        } else if let e = cross_entropy_error { lines.append("cross-entropy near 0: no fit (\(e))") }
        return lines
    }
}
