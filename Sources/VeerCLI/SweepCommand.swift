import Analysis
import ArgumentParser
import Foundation
import Steering

/// `veer sweep --steer FILE[:S] --alphas A:B:N (--prompt TEXT | --prompts FILE) [--json] [--report FILE.html]`:
/// runs one steering at every strength of a grid (spec §3.2) and reports the next-token probability change of the
/// tokens that dominate at the grid's ends, the cross-entropy change on neutral text, the collapse measures and the
/// recommended strength range (docs/analysis.md).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Steering-strength sweep: next-token probabilities, cross-entropy change and collapse against alpha.",
        discussion: """
            Alpha multiplies the strength of every --steer entry (as FILE:alpha would); alpha 0 is the unsteered \
            model. The prompt is replicated over KV-cache slots, one alpha per slot, in batched passes. Rules and \
            outputs: docs/analysis.md. `veer sweep search` (or `veer sweep --search`) chooses layers and strengths \
            on TruthfulQA's training fold: docs/analysis-search.md.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var measures: SweepMeasureOptions
    @OptionGroup var concept: SweepConceptOptions
    @OptionGroup var templateOptions: ChatTemplateOptions

    @Option(parsing: .unconditional, help: "Strengths: A:B:N (N values from A to B) or a comma list; 0 is always added.")
    var alphas: String

    @Option(help: "The prompt whose next-token distribution and continuation are measured.")
    var prompt: String?

    @Option(help: "A text file of prompts, one per line (UTF-8; empty lines are an error).")
    var prompts: String?

    @Flag(help: "Wrap each prompt as a user message in the model's chat template, with the assistant's turn opened (as CAA vectors were extracted).")
    var chat = false

    @Flag(name: .customLong("write-range"),
          help: "Record the recommended range in the vector file as veer.strength_range (one vector file, not a JSON spec).")
    var writeRange = false


    func validate() throws {
        _ = try grid()
        guard steering.isActive else { throw ValidationError("veer sweep needs a steering vector: give --steer FILE[:S]") }
        if templateOptions.chatTemplate != nil && !chat {
            throw ValidationError("--chat-template only applies with --chat")
        }
        switch (prompt, prompts) {
        case (nil, nil): throw ValidationError("give the prompt with --prompt TEXT or a file of prompts with --prompts FILE")
        case (.some, .some): throw ValidationError("give --prompt or --prompts, not both")
        default: break
        }
        if writeRange {
            let vectors = try steering.vectorArguments
            guard vectors.count == 1 else {
                throw ValidationError("--write-range records a range in one vector file; this sweep scales \(vectors.count) together")
            }
            guard !SteeringSource.isSpec(try ScaledVectorPath(argument: vectors[0]).path) else {
                throw ValidationError("--write-range records the range in a vector file; \(vectors[0]) is a JSON spec")
            }
        }
    }

    func grid() throws -> AlphaGrid {
        do { return try AlphaGrid(parsing: alphas, option: "--alphas") } catch { throw ValidationError("\(error)") }
    }

    /// The prompts: --prompt, or the lines of --prompts (a final newline ends the last line).
    func promptTexts() throws -> [String] {
        if let prompt { return [prompt] }
        let path = prompts!
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InvalidInput("--prompts \(path): cannot read the file (\((error as NSError).localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw InvalidInput("--prompts \(path): the file is not valid UTF-8") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw InvalidInput("--prompts \(path): the file has no prompts; expected one prompt per line") }
        if let empty = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw InvalidInput("--prompts \(path): line \(empty + 1) is empty; expected one prompt per line")
        }
        return lines
    }

    func run() throws {
        try SweepRunner(command: self, grid: grid(), prompts: promptTexts(), started: Date()).run()
    }
}
