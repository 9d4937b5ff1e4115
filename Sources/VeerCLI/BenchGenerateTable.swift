import Foundation

/// `veer bench generate`'s table: one row per figure, one column per backend measured, and with --compare llama.cpp's
/// column and the ratio Veer / llama.cpp per backend.
enum BenchGenerateTable {
    /// One figure: its label, how each backend shows it, and llama.cpp's value and the ratio where it has one.
    private struct Row {
        var label: String
        var veer: (BackendFigures) -> String
        var llama: ((LlamaCppFigures) -> String)? = nil
        var ratio: ((SpeedRatios) -> Double?)? = nil
    }

    static func render(_ report: BenchGenerateCommand.Report) -> String {
        let columns = [report.cpu, report.vulkan].compactMap { $0 }
        let p = report.prompt_lengths, n = report.decode_tokens
        var rows: [Row] = [
            Row(label: "prefill pp\(p[0]), tok/s", veer: { format($0.prefill_tok_s) },
                llama: { format($0.prefill_tok_s) }, ratio: { $0.prefill }),
            Row(label: "prefill pp\(p[1]), tok/s", veer: { format($0.pp512_tok_s) },
                llama: { format($0.pp512_tok_s) }, ratio: { $0.pp512 }),
            Row(label: "decode tg\(n), tok/s", veer: { format($0.decode_tok_s) },
                llama: { format($0.decode_tok_s) }, ratio: { $0.decode }),
            Row(label: "decode tg\(n) after pp\(p[1]), tok/s", veer: { format($0.decode_ctx512_tok_s) }),
            Row(label: "load, ms", veer: { format($0.load_ms) }),
            Row(label: "time to first token (pp\(p[0])), ms", veer: { format($0.ttft_ms) }),
            Row(label: "process start to 1 token, ms", veer: { _ in report.llama_cpp.map { format($0.veer_startup_ms) } ?? "-" },
                llama: { format($0.startup_ms) }, ratio: { $0.startup }),
            Row(label: "peak resident memory, MiB", veer: { $0.peak_rss_mb.map(format) ?? "-" },
                llama: { format($0.peak_rss_mb) }, ratio: { $0.memory }),
            Row(label: "  budget: file + KV cache + 100 MiB", veer: { format($0.memory_budget_mb) }),
        ]
        if report.llama_cpp == nil { rows.removeAll { $0.label.hasPrefix("process start") } }
        for key in Set(columns.flatMap { $0.steer_overhead_pct.keys }).sorted() {
            rows.append(Row(label: "steering overhead \(key), %",
                            veer: { $0.steer_overhead_pct[key].map { String(format: "%+.1f", $0) } ?? "-" }))
        }
        var header = ["figure"] + columns.map { "\($0.backend) (\($0.precision))" }
        var body = rows.map { row in [row.label] + columns.map { row.veer($0) } }
        if let llama = report.llama_cpp, let ratios = report.ratios {
            header.append("llama.cpp")
            header += columns.map { "\($0.backend)/llama.cpp" }
            for (i, row) in rows.enumerated() {
                body[i].append(row.llama.map { $0(llama) } ?? "")
                body[i] += columns.map { column in
                    guard let ratio = row.ratio, let r = ratios[column.backend].flatMap(ratio) else { return "" }
                    return String(format: "%.2fx", r)
                }
            }
        }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var lines = ["\(report.model), median of \(report.rounds) round\(report.rounds == 1 ? "" : "s")"]
        lines += columns.map { "  \($0.backend): \($0.device)" }
        if let llama = report.llama_cpp {
            lines.append("  llama.cpp: llama-bench \(llama.build_commit) (\(llama.package)), \(llama.threads) threads, CPU backend")
        }
        lines.append(line(header))
        lines += body.map(line)
        if let b = report.bandwidth {
            lines.append(String(format: "memory bandwidth %.1f GB/s (read), %.1f GB/s (triad): decode limit %.0f tok/s for %.1f MB of weights; CPU decode is %.0f%% of it",
                                b.read_gb_s, b.triad_gb_s, b.decode_limit_tok_s, Double(b.weight_bytes_per_token) / 1e6,
                                100 * b.decode_fraction))
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }
}
