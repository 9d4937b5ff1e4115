import Foundation

/// `veer sweep`'s text output: per prompt, the probabilities of the tokens that dominate at the grid's ends, then one
/// line per alpha with the cross-entropy change and the collapse measures, and the recommended range.
enum SweepTable {
    static func text(_ d: SweepDocument, topK: Int) -> String {
        var lines: [String] = []
        for (p, prompt) in d.prompts.enumerated() {
            let shown = displayed(prompt, topK: topK)
            lines.append("prompt \(p + 1) (\(prompt.tokens) tokens\(prompt.dropped_tokens > 0 ? ", \(prompt.dropped_tokens) dropped from its start" : "")): next-token probability")
            lines.append(row(["alpha"] + shown.map { quoted($0.text) }))
            for (a, alpha) in d.alphas.enumerated() {
                lines.append(row([number(alpha)] + shown.map { $0.probability[a].map { String(format: "%.4f", $0) } ?? "nan" }))
            }
            lines.append("")
        }
        let prompts = d.prompts.count
        lines.append(row(["alpha", "ΔCE (nats)", "repetition", "compression", "status"]))
        for r in d.rows {
            let repetition = r.repetition_rate.map { String(format: "%.2f", $0) }.joined(separator: "/")
            let compression = r.compression_ratio.map { String(format: "%.2f", $0) }.joined(separator: "/")
            lines.append(row([number(r.alpha), r.delta_cross_entropy.map { String(format: "%+.4f", $0) } ?? "-", repetition, compression,
                              r.degenerate ? "degenerate: \(r.reason ?? "")" : "ok"]))
        }
        if prompts > 1 { lines.append("(repetition and compression per prompt, separated by /)") }
        lines.append("recommended range: alpha \(number(d.recommended_range.lower)) ... \(number(d.recommended_range.upper))"
                     + (d.recommended_range.file_strength.map { " (FILE:S with S \(number($0[0])) ... \(number($0[1])))" } ?? ""))
        if let ce = d.cross_entropy, let base = ce.points.first(where: { $0.alpha == 0 })?.cross_entropy {
            lines.append("cross-entropy at alpha 0: \(String(format: "%.4f", base)) nats/token over \(ce.tokens_per_alpha) tokens of \(ce.source)")
        }
        lines.append(String(format: "wall time %.1f s", d.wall_seconds))
        return lines.joined(separator: "\n")
    }

    /// The tokens shown: the first half of `topK` at the largest alpha, then the rest at the smallest, no repeats.
    static func displayed(_ prompt: SweepDocument.Prompt, topK: Int) -> [SweepDocument.TrackedToken] {
        let atMax = prompt.tracked_tokens.filter { ($0.rank_at_max ?? .max) <= (topK + 1) / 2 }
        let atMin = prompt.tracked_tokens.filter { ($0.rank_at_min ?? .max) <= topK / 2 && !atMax.map(\.id).contains($0.id) }
        return atMax + atMin
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "'"
    }

    static func number(_ value: Double) -> String { String(format: "%g", value) }

    private static func row(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in i == cells.count - 1 && i > 0 ? cell : cell.padding(toLength: max(cell.count, 11), withPad: " ", startingAt: 0) }
            .joined(separator: " ")
    }
}
