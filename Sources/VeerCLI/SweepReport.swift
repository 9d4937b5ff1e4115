import Analysis
import Foundation

/// `veer sweep --report FILE.html`: the sweep's charts (token probability and its change against alpha for the
/// tokens that dominate at both ends, cross-entropy change, repetition and compression), the verdict table and
/// the command that produced it.
enum SweepReport {
    static func html(_ d: SweepDocument, command: [String], topK: Int) -> HTMLReport {
        var report = HTMLReport(title: "veer sweep: steering strength")
        report.paragraph("Steering: \(d.run.steering?.vectors.map { "\($0.path) at strength \($0.strength)" }.joined(separator: " + ") ?? "none"); "
                         + "model \(d.run.model) on \(d.run.backend). Alpha multiplies the steering's strength; alpha 0 is the unsteered model.")
        report.paragraph("Recommended strength range (widest interval around 0 without a collapsed row): alpha "
                         + "\(SweepTable.number(d.recommended_range.lower)) to \(SweepTable.number(d.recommended_range.upper)).")
        for (p, prompt) in d.prompts.enumerated() {
            report.heading("Prompt \(p + 1): next-token probabilities")
            report.paragraph(prompt.text)
            let atMax = prompt.tracked_tokens.filter { ($0.rank_at_max ?? .max) <= topK }
            let atMin = prompt.tracked_tokens.filter { ($0.rank_at_min ?? .max) <= topK }
            func series(_ tokens: [SweepDocument.TrackedToken], _ values: (SweepDocument.TrackedToken) -> [Double?]) -> [LineChart.Series] {
                tokens.map { token in
                    LineChart.Series(name: SweepTable.quoted(token.text), points: zip(d.alphas, values(token)).map { ($0, $1 ?? .nan) })
                }
            }
            let xLabel = "alpha (steering strength multiplier)"
            let figures: [(name: String, title: (Int, String) -> String, yLabel: String, values: (SweepDocument.TrackedToken) -> [Double?], caption: String)] = [
                ("token-probability", { "Top \($0) tokens at alpha \($1)" }, "next-token probability", \.probability,
                 "Probability of the next token after the prompt against alpha, for the tokens most probable at the largest (left) and smallest (right) alpha."),
                ("delta-p", { "Δp, top tokens at alpha \($1)" }, "Δp = p(alpha) − p(0)", \.delta_p,
                 "Change of the next-token probability against the unsteered model (spec §3.2.1)."),
            ]
            for f in figures {
                report.figure(name: "prompt\(p + 1)-\(f.name)", charts: [(atMax, d.alphas.last!), (atMin, d.alphas.first!)].map { tokens, end in
                    LineChart(title: f.title(tokens.count, SweepTable.number(end)), xLabel: xLabel,
                              yLabel: f.yLabel, series: series(tokens, f.values))
                }, caption: f.caption)
            }
            if let gates = prompt.gate_open_rate?.filter({ !$0.blocks.isEmpty }), !gates.isEmpty {
                // At most six alphas, spread over the grid, so the lines stay readable.
                let shown = gates.count <= 6 ? gates : (0..<6).map { gates[$0 * (gates.count - 1) / 5] }
                report.figure(name: "prompt\(p + 1)-gate-open-rate", charts: [LineChart(
                    title: "Spherical gate: open share per block", xLabel: "block (resid_post)", yLabel: "share of prompt positions rotated",
                    series: shown.map { g in .init(name: "alpha \(SweepTable.number(g.alpha))", points: g.blocks.map { (Double($0.block), $0.rate) }) })],
                    columns: 1, caption: "The von Mises-Fisher gate decides per position whether to rotate toward the target (spec §2.2): the share of the prompt's positions it opened at each rotating block, per alpha.")
            }
        }
        report.heading("Cross-entropy and collapse")
        var charts: [LineChart] = []
        if let ce = d.cross_entropy {
            charts.append(LineChart(title: "Cross-entropy change on neutral text", xLabel: "alpha (steering strength multiplier)",
                                    yLabel: "ΔCE (nats per token)",
                                    series: [.init(name: "ΔCE, \(ce.tokens_per_alpha) tokens", points: ce.points.map { ($0.alpha, $0.delta_cross_entropy ?? .nan) })]))
        }
        let promptSeries = d.prompts.indices.map { p -> [LineChart.Series] in
            let suffix = d.prompts.count > 1 ? " (prompt \(p + 1))" : ""
            return [.init(name: "repetition rate" + suffix, points: d.rows.map { ($0.alpha, $0.repetition_rate[p]) }),
                    .init(name: "compression ratio" + suffix, points: d.rows.map { ($0.alpha, $0.compression_ratio[p]) })]
        }.flatMap { $0 }
        charts.append(LineChart(title: "Greedy continuation: repetition and compression", xLabel: "alpha (steering strength multiplier)",
                                yLabel: "3-gram repetition (share); compression (ratio)", series: promptSeries))
        report.figure(name: "collapse", charts: charts,
                      caption: "Left: CE(alpha) − CE(0) on neutral text. Right: share of repeated 3-grams and compression ratio (raw bytes / estimated LZ77 bytes) of the greedy continuation.")
        report.table(header: ["alpha", "ΔCE (nats)", "repetition", "compression", "status"], rows: d.rows.map { r in
            [SweepTable.number(r.alpha), r.delta_cross_entropy.map { String(format: "%+.4f", $0) } ?? "-",
             r.repetition_rate.map { String(format: "%.2f", $0) }.joined(separator: " / "),
             r.compression_ratio.map { String(format: "%.2f", $0) }.joined(separator: " / "),
             r.degenerate ? "degenerate: \(r.reason ?? "")" : "ok"]
        })
        if let c = d.concept {
            report.heading("Concept probability: \(c.concept)")
            var series: [LineChart.Series] = []
            if c.judge != nil { series.append(.init(name: "judge", points: c.rows.map { ($0.alpha, $0.judge?.probability ?? .nan) })) }
            if c.lexicon != nil { series.append(.init(name: "lexicon", points: c.rows.map { ($0.alpha, $0.lexicon?.probability ?? .nan) })) }
            report.figure(name: "concept-probability", charts: [
                LineChart(title: "Completions expressing '\(c.concept)'", xLabel: "alpha (steering strength multiplier)",
                          yLabel: "concept probability (share of samples)", series: series),
            ], columns: 1, caption: "Share of \(c.samplesPerPrompt) sampled completions per prompt (\(c.maxTokens) tokens, temperature \(c.sampling.temperature)) labelled as expressing the concept, against alpha (spec §3.2.2).")
            report.table(header: ["scorer", "accuracy on the labelled set", "items"], rows: [("judge", c.judgeAccuracy), ("lexicon", c.lexiconAccuracy)].compactMap { name, a in
                a.map { [name, String(format: "%.3f", $0.accuracy), "\($0.items)"] }
            })
        }
        if let laws = d.laws {
            report.heading("The three laws of the steering-strength paper")
            report.list(laws.verdicts)
        }
        report.heading("Command")
        report.code(command.joined(separator: " "))
        return report
    }
}
