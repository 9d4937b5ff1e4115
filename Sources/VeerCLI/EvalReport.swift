import Analysis
import Foundation

/// The human forms of an evaluation: a summary on stdout, and a Markdown or HTML report (`--report FILE`, by its
/// extension).
enum EvalReport {
    enum Format { case markdown, html }

    static func format(of path: String) throws -> Format {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "md", "markdown": return .markdown
        case "html", "htm": return .html
        default: throw InvalidInput("--report \(path): expected a .md (Markdown) or .html file name")
        }
    }

    /// Fails before any work when the report cannot be written.
    static func checkWritable(_ path: String) throws {
        _ = try format(of: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw InvalidInput("--report \(path): cannot write in \(directory) (choose a directory you can write to)")
        }
    }

    static func write(_ document: EvalDocument, to path: String) throws {
        let text = try format(of: path) == .markdown ? markdown(document) : html(document)
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("--report \(path): cannot write (\(error.localizedDescription))")
        }
    }

    /// Metric names in a stable order: the task's main ones first, then the rest alphabetically.
    static func metricNames(_ document: EvalDocument) -> [String] {
        let all = Set(document.configs.flatMap(\.metrics.keys))
        let main = ["mc1", "mc2", "mc3", "accuracy", "accuracy_mean", "p_matching"].filter(all.contains)
        return main + all.subtracting(main).sorted()
    }

    /// Rows of the metrics table: the configuration, each metric, degenerate items and wall time.
    static func table(_ document: EvalDocument) -> (header: [String], rows: [[String]]) {
        let names = metricNames(document)
        let rows = document.configs.map { c in
            [c.name] + names.map { c.metrics[$0].map { String(format: "%.4f", $0) } ?? "" }
                + ["\(c.degenerate_items)", String(format: "%.1f", c.wall_seconds)]
        }
        return (["configuration"] + names + ["degenerate", "seconds"], rows)
    }

    static func protocolLines(_ d: EvalDocument) -> [String] {
        let p = d.protocol
        var lines = [
            "task: \(p.task) — \(p.summary)",
            "data: \(p.data_file) (sha256 \(p.data_sha256)), \(p.items) of \(p.items_in_file) items"
                + (d.selection.limit.map { ", --limit \($0)" } ?? "") + (d.selection.shard.map { ", --shard \($0)" } ?? ""),
            "scoring: \(p.scoring) log-prob; template: \(p.template); BOS: \(p.bos ? "yes" : "no"); \(p.tokenization)",
            "model: \(d.run.model) (sha256 \(p.model_sha256)), backend \(d.run.backend) on \(d.run.device), precision \(p.precision)",
        ]
        if let folds = d.selection.folds { lines.append("two-fold: folds of \(folds.map(String.init).joined(separator: " and ")) questions; metrics are the mean of the fold means") }
        for c in d.configs where c.steering != nil || c.vectors != nil {
            let vectors = c.steering?.vectors.map { "\($0.path) at \($0.strength)" } ?? c.vectors ?? []
            lines.append("\(c.name): \(vectors.joined(separator: ", ")), positions \(c.positions ?? "-")")
        }
        return lines
    }

    static func printSummary(_ d: EvalDocument) {
        for line in protocolLines(d) { Console.output(line) }
        let (header, rows) = table(d)
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[i] - cell.count) + cell }.joined(separator: "  ")
        }
        Console.output(line(header))
        for row in rows { Console.output(line(row)) }
        for a in d.agreement ?? [] {
            Console.output(String(format: "agreement %@ vs %@: %.4f over %d items", a.a, a.b, a.agreement, a.items))
        }
        Console.output(String(format: "wall time %.1f s", d.wall_seconds))
    }

    static func markdown(_ d: EvalDocument) -> String {
        let (header, rows) = table(d)
        var out = ["# veer eval mc: \(d.protocol.task)", ""] + protocolLines(d).map { "- \($0)" } + [""]
        out.append("| " + header.joined(separator: " | ") + " |")
        out.append("|" + header.map { _ in "---|" }.joined())
        out += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        if let agreement = d.agreement {
            out += ["", "| configuration A | configuration B | agreement | items |", "|---|---|---|---|"]
            out += agreement.map { "| \($0.a) | \($0.b) | \(String(format: "%.4f", $0.agreement)) | \($0.items) |" }
        }
        out += ["", String(format: "Wall time %.1f s. Produced by Veer %@.", d.wall_seconds, d.run.veer_version), ""]
        return out.joined(separator: "\n")
    }

    static func html(_ d: EvalDocument) -> String {
        var report = HTMLReport(title: "veer eval mc: \(d.protocol.task)")
        report.list(protocolLines(d))
        let (header, rows) = table(d)
        report.table(header: header, rows: rows)
        if let agreement = d.agreement {
            report.heading("Per-item agreement")
            report.table(header: ["configuration A", "configuration B", "agreement", "items"],
                         rows: agreement.map { [$0.a, $0.b, String(format: "%.4f", $0.agreement), "\($0.items)"] })
        }
        if let alphas = d.alphas {
            let names = metricNames(d).filter { ["mc1", "mc2", "mc3", "accuracy", "accuracy_mean", "p_matching"].contains($0) }
            report.figure(name: "accuracy-vs-alpha", charts: [LineChart(
                title: "\(d.protocol.task) against steering strength", xLabel: "alpha (steering strength multiplier)",
                yLabel: "score (fraction of items)",
                series: names.map { name in .init(name: name, points: zip(alphas, d.configs).map { ($0, $1.metrics[name] ?? .nan) }) })],
                columns: 1, caption: "Each metric against alpha: the --steer vectors at strength S·alpha (alpha 0: unsteered), on the same \(d.protocol.items) items.")
        }
        report.paragraph(String(format: "Wall time %.1f s. Produced by Veer %@.", d.wall_seconds, d.run.veer_version))
        return report.html
    }
}
