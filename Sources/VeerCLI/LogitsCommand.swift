import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

/// `veer logits [--top K] [--all-positions] [--steer FILE[:S]] [--json] TEXT`: the top logits and logsumexp after a
/// text, optionally steered.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logits", abstract: "Print the top logits after a text (last position, or every position).")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var steering: SteeringOptions
    @Option(help: "How many of the largest logits to print.") var top = 20
    @Flag(name: .customLong("all-positions"), help: "Also report every prompt position.") var allPositions = false
    @Argument(help: "The text (special-token text such as <|im_start|> is recognised).") var text: String

    struct Position: Encodable { var pos: Int; var token: Int32; var top: [[Double]]; var logsumexp: Double }
    struct Result: Encodable {
        var tokens: [Int32]
        var top: [[Double]]
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
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let ids = s.tokenizer.encode(command.text, parseSpecial: true, addBOS: s.addBOS).ids
            guard !ids.isEmpty else { throw ValidationError("the text has no tokens") }
            let loaded = try command.steering.load(for: s)
            try loaded?.warnAboutStrength(s.model, prompt: ids)
            let manifest = s.manifest.steered(by: loaded)
            let pass = ForwardBatch.prefill(ids, allLogits: command.allPositions)
            let steering = try loaded?.forward(s.model, promptLength: ids.count)
            try s.model.forward(pass, steering: steering)
            try s.model.checkLogits(of: pass, steering: steering)
            let rows = try s.model.readLogits(rows: command.allPositions ? ids.count : 1)
            let last = Self.summarizeLast(rows, top: command.top)
            let positions = command.allPositions ? rows.enumerated().map { i, row in
                let (top, lse) = LogitsCommand.summarize(row, top: command.top)
                return Position(pos: i, token: ids[i], top: top, logsumexp: lse)
            } : nil
            return Result(tokens: ids, top: last.top, logsumexp: last.logsumexp, positions: positions, run: manifest)
        }
        static func summarizeLast(_ rows: [[Float]], top: Int) -> (top: [[Double]], logsumexp: Double) {
            LogitsCommand.summarize(rows[rows.count - 1], top: top)
        }
    }

    func validate() throws { guard top >= 1 else { throw ValidationError("--top must be at least 1") } }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, maxRows: 512, task: Task(command: self))
        if output.json {
            try Console.json(result)
        } else {
            Console.output("tokens: \(result.tokens)")
            for pair in result.top { Console.output(String(format: "%6d  %9.4f", Int(pair[0]), pair[1])) }
            Console.output(String(format: "logsumexp %.6f", result.logsumexp))
        }
    }
}
