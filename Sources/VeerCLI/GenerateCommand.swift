import ArgumentParser
import Foundation
import Kernels
import Llama
import Tokenizers

/// `veer generate [options] PROMPT`: greedy or sampled generation, streamed to stdout.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate text from a prompt.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Wrap the prompt in the model's chat template as a user message.") var chat = false
    @OptionGroup var templateOptions: ChatTemplateOptions
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

    struct Result: Encodable {
        struct Timings: Encodable { var prefill_tok_s: Double; var decode_tok_s: Double }
        var prompt_tokens: [Int32]
        var tokens: [Int32]
        var text: String
        var stop_reason: String
        var timings: Timings
        var device: String
        var run: RunManifest
    }

    struct Task: ModelTask {
        var command: GenerateCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = command
            let encoding: Encoding
            if c.chat {
                let template = try c.templateOptions.template(for: s.file)
                let rendered = template.render(messages: [ChatMessage(role: "user", content: c.prompt)], addGenerationPrompt: true)
                encoding = rendered.encode(with: s.tokenizer, addBOS: s.addBOS)
            } else {
                encoding = s.tokenizer.encode(c.prompt, parseSpecial: true, addBOS: s.addBOS)
            }
            let settings = SamplerSettings(temperature: c.temperature, topK: c.topK, topP: c.topP, minP: c.minP,
                                           repetitionPenalty: c.repeatPenalty, seed: c.seed)
            let generator = try Generator(model: s.model)
            var stream = StreamingDetokenizer(tokenizer: s.tokenizer)
            var stops = StopStringFilter(c.stopStrings)
            var text = ""
            func emit(_ piece: String) {
                text += piece
                if !c.output.json, !piece.isEmpty { FileHandle.standardOutput.write(Data(piece.utf8)) }
            }
            var result = try generator.generate(
                prompt: encoding.ids, maxTokens: c.maxTokens, sampling: settings,
                stopTokens: s.tokenizer.vocabulary.endOfGeneration, ignoreEOS: c.ignoreEOS
            ) { token in
                emit(stops.feed(stream.append(token)))
                return !stops.stopped
            }
            if stops.stopped { result.stopReason = "stop_string" } else { emit(stops.feed(stream.finish()) + stops.finish()) }
            if !c.output.json, !text.hasSuffix("\n") { Console.output("") }
            Console.note(String(format: "prefill %.1f tok/s (%d tokens), decode %.1f tok/s (%d tokens), stop: %@",
                                result.prefillTokensPerSecond, result.promptTokens.count, result.decodeTokensPerSecond,
                                result.tokens.count, result.stopReason))
            return Result(prompt_tokens: result.promptTokens, tokens: result.tokens,
                          text: text, stop_reason: result.stopReason,
                          timings: .init(prefill_tok_s: result.prefillTokensPerSecond, decode_tok_s: result.decodeTokensPerSecond),
                          device: s.manifest.device, run: s.manifest)
        }
    }

    func run() throws {
        let result = try ModelLoader.run(modelOptions, maxRows: 256, seed: seed, task: Task(command: self))
        if output.json { try Console.json(result) }
    }
}
