import Analysis
import ArgumentParser
import Foundation

/// `--report FILE.html` and `--png` for `veer prefutil`. A stand-in with the meaning of the shared `ReportOptions`
/// (issue 12 design: the sweep's, in ReportOutput.swift), to be replaced by it once that is on main.
struct PrefUtilReportOptions: ParsableArguments {
    @Option(help: "Also write a self-contained HTML report with the charts (FILE.html).") var report: String?
    @Flag(help: "With --report: also render each figure to FILE-<figure>.png beside it (needs rsvg-convert, Debian's librsvg2-bin).")
    var png = false

    func validate() throws {
        if png, report == nil { throw ValidationError("--png renders the report's figures; give --report FILE.html too") }
        if let report, URL(fileURLWithPath: report).pathExtension.lowercased() != "html" {
            throw ValidationError("--report \(report): expected a file name ending in .html")
        }
    }

    /// Fails before any work when the report cannot be written or rendered.
    func checkWritable() throws {
        guard let report else { return }
        let directory = URL(fileURLWithPath: report).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw InvalidInput("--report \(report): cannot write in \(directory) (choose a directory you can write to)")
        }
        if png { _ = try Self.renderer() }
    }

    /// Writes the report, and with --png each figure as FILE-<name>.png; nothing without --report.
    func write(_ build: @autoclosure () -> HTMLReport) throws {
        guard let report else { return }
        let built = build()
        let url = URL(fileURLWithPath: report)
        do { try Data(built.html.utf8).write(to: url) } catch {
            throw InvalidInput("--report \(report): cannot write (\(error.localizedDescription))")
        }
        guard png else { return }
        let renderer = try Self.renderer()
        let base = url.deletingPathExtension().path
        for figure in built.figures {
            let svg = FileManager.default.temporaryDirectory.appending(path: "veer-\(UUID().uuidString).svg")
            try Data(figure.svg.utf8).write(to: svg)
            defer { try? FileManager.default.removeItem(at: svg) }
            let png = "\(base)-\(figure.name).png"
            let run = try ToolProcess.run(renderer, ["-o", png, svg.path])
            guard run.status == 0 else {
                throw InvalidInput("--png: rsvg-convert failed on figure \(figure.name) (status \(run.status)): \(run.stderrTail)")
            }
        }
    }

    /// rsvg-convert on $PATH.
    static func renderer() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appending(path: "rsvg-convert")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw InvalidInput("--png needs rsvg-convert, which is not on PATH (Debian and Ubuntu: apt install librsvg2-bin)")
    }
}
