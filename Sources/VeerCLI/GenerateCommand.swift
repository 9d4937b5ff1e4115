import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer generate [options] PROMPT`: greedy or sampled generation, streamed to stdout, optionally steered
/// (`--steer`), and with `--compare` unsteered and steered side by side from the same seed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate text from a prompt.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Wrap the prompt in the model's chat template as a user message.") var chat = false
    @OptionGroup var templateOptions: ChatTemplateOptions
    @OptionGroup var steering: SteeringOptions
    @Flag(help: "Generate unsteered and steered (same seed) and show both.") var compare = false
    @Option(name: .customLong("max-tokens"), help: "Tokens to generate at most.") var maxTokens = 128
    @Option(help: "Sampling temperature; 0 is greedy (argmax, ties to the lowest id).") var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0: off).") var topK = 40
    @Option(name: .customLong("top-p"), help: "Keep the smallest set with this cumulative probability.") var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Drop tokens below this fraction of the top probability.") var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1: off).") var repeatPenalty: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Flag(name: .customLong("ignore-eos"), help: "Keep generating past end-of-generation tokens.") var ignoreEOS = false
    @Option(name: .customLong("stop"), parsing: .unconditionalSingleValue,
            help: "Stop when the text contains this string (repeatable); it and what follows are dropped.")
    var stopStrings: [String] = []
    @Argument(help: "The prompt.") var prompt: String

    struct Timings: Encodable { var prefill_tok_s: Double; var decode_tok_s: Double }
    /// One generation (with --compare, the unsteered one sits beside the steered one).
    struct Generation: Encodable {
        var tokens: [Int32]
        var text: String
        var stop_reason: String
        var timings: Timings
    }
    struct Result: Encodable {
        var prompt_tokens: [Int32]
        var tokens: [Int32]
        var text: String
        var stop_reason: String
        var timings: Timings
        var unsteered: Generation?
        var device: String
        var run: RunManifest
    }

    func validate() throws {
        if compare && !steering.isActive { throw ValidationError("--compare needs at least one --steer vector") }
    }

    struct Task: ModelTask {
        var command: GenerateCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = command
            let encoding: Encoding
            var answerStart: Int?
            if c.chat {
                let template = try c.templateOptions.template(for: s.file)
                let rendered = template.render(messages: [ChatMessage(role: "user", content: c.prompt)], addGenerationPrompt: true)
                encoding = rendered.encode(with: s.tokenizer, addBOS: s.addBOS)
                answerStart = rendered.answerStartToken(in: encoding)
            } else {
                encoding = s.tokenizer.encode(c.prompt, parseSpecial: true, addBOS: s.addBOS)
            }
            let loaded = try c.steering.load(for: s)
            try loaded?.warnAboutStrength(s.model, prompt: encoding.ids)
            let manifest = s.manifest.steered(by: loaded)

            var unsteered: Generation?
            if c.compare {
                if !c.output.json { Console.output("--- unsteered ---") }
                unsteered = try generate(s, encoding.ids, steering: nil)
                if !c.output.json { Console.output("--- steered ---") }
            }
            let steering = try loaded?.forward(s.model, promptLength: encoding.ids.count, answerStart: answerStart)
            let main = try generate(s, encoding.ids, steering: steering)
            return Result(prompt_tokens: encoding.ids, tokens: main.tokens, text: main.text, stop_reason: main.stop_reason,
                          timings: main.timings, unsteered: unsteered, device: s.manifest.device, run: manifest)
        }

        /// One generation, streamed to stdout unless --json.
        func generate<B: ComputeBackend>(_ s: ModelSession<B>, _ prompt: [Int32], steering: ForwardSteering<B.Buffer>?) throws -> Generation {
            let c = command
            let settings = SamplerSettings(temperature: c.temperature, topK: c.topK, topP: c.topP, minP: c.minP,
                                           repetitionPenalty: c.repeatPenalty, seed: c.seed)
            var stream = StreamingDetokenizer(tokenizer: s.tokenizer)
            var stops = StopStringFilter(c.stopStrings)
            var text = ""
            func emit(_ piece: String) {
                text += piece
                if !c.output.json, !piece.isEmpty { FileHandle.standardOutput.write(Data(piece.utf8)) }
            }
            var result = try Generator(model: s.model).generate(
                prompt: prompt, maxTokens: c.maxTokens, sampling: settings,
                stopTokens: s.tokenizer.vocabulary.endOfGeneration, ignoreEOS: c.ignoreEOS, steering: steering
            ) { token in
                emit(stops.feed(stream.append(token)))
                return !stops.stopped
            }
            if stops.stopped { result.stopReason = "stop_string" } else { emit(stops.feed(stream.finish()) + stops.finish()) }
            if !c.output.json, !text.hasSuffix("\n") { Console.output("") }
            Console.note(String(format: "prefill %.1f tok/s (%d tokens), decode %.1f tok/s (%d tokens), stop: %@",
                                result.prefillTokensPerSecond, result.promptTokens.count, result.decodeTokensPerSecond,
                                result.tokens.count, result.stopReason))
            return Generation(tokens: result.tokens, text: text, stop_reason: result.stopReason,
                              timings: Timings(prefill_tok_s: result.prefillTokensPerSecond,
                                               decode_tok_s: result.decodeTokensPerSecond))
        }
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, maxRows: 256, seed: seed, task: Task(command: self))
        if output.json { try Console.json(result) }
    }
}
