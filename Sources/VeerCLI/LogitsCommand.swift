import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer logits [--top K] [--all-positions] [--candidate TEXT ...] [--each-line] [--steer FILE[:S]] [--json] TEXT`: the
/// top logits after a text with each token's text and probability (softmax over the whole vocabulary), and the
/// logsumexp; optionally steered. `--candidate` reports the probability of given next tokens (e.g. the letters of a
/// multiple-choice answer) whether or not they are in the top list; `--each-line` scores many texts in one run.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logits", abstract: "Print the top logits after a text (last position, or every position).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @OptionGroup var trace: TraceOption
    @Option(help: "How many of the largest logits to print.") var top = 20
    @Flag(name: .customLong("all-positions"), help: "Report every prompt position, not only the last.") var allPositions = false
    @Option(name: .customLong("candidate"), parsing: .unconditionalSingleValue,
            help: "A continuation whose next-token probability to report at the last position (its first token, encoded without special tokens); repeatable.")
    var candidates: [String] = []
    @Flag(name: .customLong("each-line"), help: "The input is JSON Lines, one text per line as a JSON string: report each text (--json: {\"results\": [...]}).")
    var eachLine = false
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
    /// A `--candidate` continuation's first token at the last position.
    struct Candidate: Encodable {
        var text: String
        var id: Int32
        var piece: String
        var logit: Double
        var logprob: Double
        var probability: Double
    }
    struct Result: Encodable {
        var tokens: [Int32]
        var top: [[Double]]
        var pieces: [String]
        var probabilities: [Double]
        var logsumexp: Double
        var candidates: [Candidate]?
        var positions: [Position]?
        var run: RunManifest
    }
    /// `--each-line --json`: one result per input line, in order.
    struct Results: Encodable { var results: [Result] }

    /// [(id, logit)] of the k largest logits, descending, ties to the lower id; and log(sum(exp)) in f64.
    static func summarize(_ logits: [Float], top k: Int) -> (top: [[Double]], logsumexp: Double) {
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        let m = Double(logits[order[0]])
        let sum = logits.reduce(0.0) { $0 + exp(Double($1) - m) }
        return (order.prefix(k).map { [Double($0), Double(logits[$0])] }, m + log(sum))
    }

    struct Task: ModelTask {
        var command: LogitsCommand
        var texts: [String]
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> [Result] {
            let loaded = try command.steering.load(for: s)
            let candidates = try command.candidates.map { text in
                guard let id = s.tokenizer.encode(text, parseSpecial: false, addBOS: false).ids.first else {
                    throw ValidationError("--candidate '\(text)' has no tokens")
                }
                return (text: text, id: id)
            }
            return try texts.enumerated().map { i, text in
                do {
                    return try score(text, s, loaded: loaded, candidates: candidates, announce: i == 0)
                } catch let error as ValidationError where texts.count > 1 {
                    throw ValidationError("line \(i + 1): \(error.message)")
                }
            }
        }

        func score<B: ComputeBackend>(_ text: String, _ s: ModelSession<B>, loaded: LoadedSteering?,
                                      candidates: [(text: String, id: Int32)], announce: Bool) throws -> Result {
            let ids = s.tokenizer.encode(text, parseSpecial: true, addBOS: s.addBOS).ids
            guard !ids.isEmpty else { throw ValidationError("the text has no tokens") }
            let manifest = s.manifest.steered(by: loaded)
            // The steering line (and its strength warnings) once per run, not once per --each-line text.
            if announce { try loaded?.announce(s.model, prompt: ids, span: SequenceSpan(promptLength: ids.count), length: ids.count) }
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
            let lastRow = rows[rows.count - 1]
            let scored = candidates.map { c in
                Candidate(text: c.text, id: c.id, piece: s.tokenizer.decode([c.id], renderSpecial: true),
                          logit: Double(lastRow[Int(c.id)]), logprob: Double(lastRow[Int(c.id)]) - last.logsumexp,
                          probability: exp(Double(lastRow[Int(c.id)]) - last.logsumexp))
            }
            return Result(tokens: ids, top: last.top, pieces: last.pieces, probabilities: last.probabilities,
                          logsumexp: last.logsumexp, candidates: candidates.isEmpty ? nil : scored,
                          positions: command.allPositions ? summaries : nil, run: manifest)
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
        if eachLine && trace.path != nil {
            throw ValidationError("--trace records one text; give it without --each-line")
        }
    }

    func run() throws {
        try trace.checkWritable()
        let text = try input.read()
        let texts = eachLine ? try Self.lines(text) : [text]
        let results = try ModelLoader.run(modelOptions, maxRows: 512, task: Task(command: self, texts: texts))
        if output.json { return eachLine ? try Console.json(Results(results: results)) : try Console.json(results[0]) }
        for result in results {
            Console.output("tokens: \(result.tokens)")
            let last = Position(pos: result.tokens.count - 1, token: result.tokens[result.tokens.count - 1], top: result.top,
                                pieces: result.pieces, probabilities: result.probabilities, logsumexp: result.logsumexp)
            for position in result.positions ?? [last] { Self.print(position, showHeader: result.positions != nil) }
            for c in result.candidates ?? [] {
                Console.output(String(format: "candidate %@ (id %d %@): logit %.4f, prob %.6f", c.text.debugDescription,
                                      Int(c.id), c.piece.debugDescription, c.logit, c.probability))
            }
        }
    }

    /// `--each-line`: every non-empty line must be a JSON string; an error names the line.
    static func lines(_ text: String) throws -> [String] {
        var texts: [String] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as? String else {
                throw InvalidInput("--each-line: line \(i + 1) is not a JSON string (expected e.g. \"The capital of France is\")")
            }
            texts.append(value)
        }
        guard !texts.isEmpty else { throw InvalidInput("--each-line: the input has no lines") }
        return texts
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
