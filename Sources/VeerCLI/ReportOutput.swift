import Analysis
import ArgumentParser
import Foundation

/// `--report FILE.html [--png]`, shared by the analysis commands: the self-contained HTML report, and with --png
/// each figure also as FILE-<figure>.png beside it, rendered by rsvg-convert (Debian: librsvg2-bin).
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write a self-contained HTML report with charts.", valueName: "FILE.html"))
    var report: String?

    @Flag(help: "With --report: also render each figure as FILE-<figure>.png beside the report (needs rsvg-convert, Debian: librsvg2-bin).")
    var png = false

    func validate() throws {
        if png && report == nil { throw ValidationError("--png renders the report's figures; give it with --report FILE.html") }
        if let report, URL(fileURLWithPath: report).pathExtension.lowercased() != "html" {
            throw ValidationError("--report \(report): expected a file name ending in .html")
        }
    }

    /// Checks, before any work, that the report can be written and (with --png) rendered, so a long run does not
    /// end in an error about its output.
    func checkWritable() throws {
        guard let report else { return }
        let directory = URL(fileURLWithPath: report).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw InvalidInput("--report \(report): cannot write in \(directory) (choose a directory you can write to)")
        }
        if png { _ = try Self.renderer() }
    }

    /// The PNG of figure `name`: FILE-<name>.png beside FILE.html.
    static func pngPath(report: String, figure name: String) -> String {
        let url = URL(fileURLWithPath: report)
        return url.deletingPathExtension().path + "-\(name).png"
    }

    /// Writes the report (nothing without --report) and, with --png, one PNG per figure; returns the paths written.
    @discardableResult
    func write(_ html: HTMLReport) throws -> [String] {
        guard let report else { return [] }
        do { try Data(html.html.utf8).write(to: URL(fileURLWithPath: report)) } catch {
            throw InvalidInput("--report \(report): cannot write (\(error.localizedDescription))")
        }
        guard png else { return [report] }
        let renderer = try Self.renderer()
        let scratch = FileManager.default.temporaryDirectory.appending(path: "veer-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var written = [report]
        for figure in html.figures {
            let svg = scratch.appending(path: "\(figure.name).svg")
            try Data(figure.svg.utf8).write(to: svg)
            let out = Self.pngPath(report: report, figure: figure.name)
            let result = try ToolProcess.run(renderer, ["--format", "png", "--output", out, svg.path])
            guard result.status == 0 else {
                throw InvalidInput("--png: rsvg-convert failed on figure \(figure.name) (exit \(result.status)): \(result.stderrTail)")
            }
            written.append(out)
        }
        return written
    }

    /// rsvg-convert on PATH, or an error saying how to install it.
    static func renderer(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        let candidates = directories.map { URL(fileURLWithPath: $0).appending(path: "rsvg-convert") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw InvalidInput("--png needs rsvg-convert, which is not on PATH; install it with `apt-get install librsvg2-bin` (Debian/Ubuntu)")
        }
        return found
    }
}
