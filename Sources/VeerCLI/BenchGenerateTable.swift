import Foundation

/// `veer bench generate`'s table: one row per figure, one column per backend measured.
enum BenchGenerateTable {
    static func render(_ report: BenchGenerateCommand.Report) -> String {
        let columns = [report.cpu, report.vulkan].compactMap { $0 }
        let p = report.prompt_lengths, n = report.decode_tokens
        var rows: [(String, (BackendFigures) -> String)] = [
            ("prefill pp\(p[0]), tok/s", { format($0.prefill_tok_s) }),
            ("prefill pp\(p[1]), tok/s", { format($0.pp512_tok_s) }),
            ("decode tg\(n), tok/s", { format($0.decode_tok_s) }),
            ("decode tg\(n) after pp\(p[1]), tok/s", { format($0.decode_ctx512_tok_s) }),
            ("load, ms", { format($0.load_ms) }),
            ("time to first token (pp\(p[0])), ms", { format($0.ttft_ms) }),
            ("peak resident memory, MiB", { $0.peak_rss_mb.map(format) ?? "-" }),
            ("  budget: file + KV cache + 100 MiB", { format($0.memory_budget_mb) }),
        ]
        let keys = Set(columns.flatMap { $0.steer_overhead_pct.keys }).sorted()
        for key in keys {
            rows.append(("steering overhead \(key), %", { $0.steer_overhead_pct[key].map { String(format: "%+.1f", $0) } ?? "-" }))
        }
        let header = ["figure"] + columns.map { "\($0.backend) (\($0.precision))" }
        let body = rows.map { row in [row.0] + columns.map { row.1($0) } }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var lines = ["\(report.model), median of \(report.rounds) round\(report.rounds == 1 ? "" : "s")"]
        lines += columns.map { "  \($0.backend): \($0.device)" }
        lines.append(line(header))
        lines += body.map(line)
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }
}
