import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer logits [--top K] [--all-positions] [--steer FILE[:S]] [--json] TEXT`: the top logits after a text with each
/// token's text and probability (softmax over the whole vocabulary), and the logsumexp; optionally steered.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logits", abstract: "Print the top logits after a text (last position, or every position).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @OptionGroup var trace: TraceOption
    @Option(help: "How many of the largest logits to print.") var top = 20
    @Flag(name: .customLong("all-positions"), help: "Report every prompt position, not only the last.") var allPositions = false
    @OptionGroup var input: PromptInput

    /// `top`: [id, logit] pairs, descending; `pieces` and `probabilities` beside them, in the same order.
    struct Position: Encodable {
        var pos: Int
        var token: Int32
        var top: [[Double]]
        var pieces: [String]
        var probabilities: [Double]
        var logsumexp: Double
    }
    struct Result: Encodable {
        var tokens: [Int32]
        var top: [[Double]]
        var pieces: [String]
        var probabilities: [Double]
        var logsumexp: Double
        var positions: [Position]?
        var run: RunManifest
    }

    /// [(id, logit)] of the k largest logits, descending, ties to the lower id; and log(sum(exp)) in f64.
    static func summarize(_ logits: [Float], top k: Int) -> (top: [[Double]], logsumexp: Double) {
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        let m = Double(logits[order[0]])
        let sum = logits.reduce(0.0) { $0 + exp(Double($1) - m) }
        return (order.prefix(k).map { [Double($0), Double(logits[$0])] }, m + log(sum))
    }

    struct Task: ModelTask {
        var command: LogitsCommand
        var text: String
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let ids = s.tokenizer.encode(text, parseSpecial: true, addBOS: s.addBOS).ids
            guard !ids.isEmpty else { throw ValidationError("the text has no tokens") }
            let loaded = try command.steering.load(for: s)
            let manifest = s.manifest.steered(by: loaded)
            try loaded?.announce(s.model, prompt: ids, span: SequenceSpan(promptLength: ids.count), length: ids.count)
            let pass = ForwardBatch.prefill(ids, allLogits: command.allPositions)
            let trace = command.trace.makeTrace()
            let steering = try loaded?.forward(s.model, promptLength: ids.count, trace: trace)
            try s.model.forward(pass, steering: steering)
            try s.model.checkLogits(rows: pass.logitRows.count, of: pass, steering: steering)
            try command.trace.write(trace)
            let rows = try s.model.readLogits(rows: pass.logitRows.count)
            let summaries = rows.enumerated().map { i, row in
                position(row, at: command.allPositions ? i : ids.count - 1, ids: ids, tokenizer: s.tokenizer)
            }
            let last = summaries[summaries.count - 1]
            return Result(tokens: ids, top: last.top, pieces: last.pieces, probabilities: last.probabilities,
                          logsumexp: last.logsumexp, positions: command.allPositions ? summaries : nil, run: manifest)
        }

        func position(_ row: [Float], at pos: Int, ids: [Int32], tokenizer: Tokenizer) -> Position {
            let (top, lse) = LogitsCommand.summarize(row, top: command.top)
            return Position(pos: pos, token: ids[pos], top: top,
                            pieces: top.map { tokenizer.decode([Int32($0[0])], renderSpecial: true) },
                            probabilities: top.map { exp($0[1] - lse) }, logsumexp: lse)
        }
    }

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        try trace.validate(steering: steering)
    }

    func run() throws {
        try trace.checkWritable()
        let result = try ModelLoader.run(modelOptions, maxRows: 512, task: Task(command: self, text: try input.read()))
        if output.json { return try Console.json(result) }
        Console.output("tokens: \(result.tokens)")
        let last = Position(pos: result.tokens.count - 1, token: result.tokens[result.tokens.count - 1], top: result.top,
                            pieces: result.pieces, probabilities: result.probabilities, logsumexp: result.logsumexp)
        for position in result.positions ?? [last] { Self.print(position, showHeader: result.positions != nil) }
    }

    /// One position as a table: id, logit, probability and the token's text (quoted, escapes visible).
    static func print(_ p: Position, showHeader: Bool) {
        if showHeader { Console.output("position \(p.pos) (token \(p.token)): next-token candidates") }
        Console.output("    id      logit      prob  text")
        for (i, pair) in p.top.enumerated() {
            Console.output(String(format: "%6d  %9.4f  %8.5f  ", Int(pair[0]), pair[1], p.probabilities[i])
                           + p.pieces[i].debugDescription)
        }
        Console.output(String(format: "logsumexp %.6f", p.logsumexp))
    }
}
