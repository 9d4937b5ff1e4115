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
    @OptionGroup var trace: TraceOption
    @Option(name: [.customShort("n"), .customLong("max-tokens")], parsing: .unconditional,
            help: "Tokens to generate at most; -1: until end of generation or a full context.")
    var maxTokens = 128
    @OptionGroup var sampling: SamplingOptions
    @Option(help: "With --chat: a system message (default: the template's own, if it has one).") var system: String?
    @Flag(name: .customLong("ignore-eos"), help: "Keep generating past end-of-generation tokens.") var ignoreEOS = false
    @Option(name: .customLong("stop"), parsing: .unconditionalSingleValue,
            help: "Stop when the text contains this string (repeatable); it and what follows are dropped.")
    var stopStrings: [String] = []
    @OptionGroup var input: PromptInput

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
        try trace.validate(steering: steering)
        try GenerationLength.validate(maxTokens)
        if system != nil && !chat { throw ValidationError("--system applies to --chat: add --chat, or put the text in the prompt") }
    }

    struct Task: ModelTask {
        var command: GenerateCommand
        var prompt: String
        var seed: UInt64
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws -> Result {
            let c = command
            let encoding: Encoding
            var answerStart: Int?
            if c.chat {
                let template = try c.templateOptions.template(for: s.file)
                let messages = (c.system.map { [ChatMessage(role: "system", content: $0)] } ?? [])
                    + [ChatMessage(role: "user", content: prompt)]
                let rendered = template.render(messages: messages, addGenerationPrompt: true)
                encoding = rendered.encode(with: s.tokenizer, addBOS: s.addBOS)
                answerStart = rendered.answerStartToken(in: encoding)
            } else {
                encoding = s.tokenizer.encode(prompt, parseSpecial: true, addBOS: s.addBOS)
            }
            let loaded = try c.steering.load(for: s)
            let manifest = s.manifest.steered(by: loaded)
            let length = min(s.model.cache.shape.ctx, encoding.ids.count + min(GenerationLength.limit(c.maxTokens), s.model.cache.shape.ctx))
            try loaded?.announce(s.model, prompt: encoding.ids,
                                 span: SequenceSpan(promptLength: encoding.ids.count, answerStart: answerStart), length: length)

            var unsteered: Generation?
            if c.compare {
                if !c.output.json { Console.output("--- unsteered ---") }
                unsteered = try generate(s, encoding.ids, steering: nil)
                if !c.output.json { Console.output("--- steered ---") }
            }
            let trace = c.trace.makeTrace()
            let steering = try loaded?.forward(s.model, promptLength: encoding.ids.count, answerStart: answerStart, trace: trace)
            let main = try generate(s, encoding.ids, steering: steering)
            try c.trace.write(trace)
            return Result(prompt_tokens: encoding.ids, tokens: main.tokens, text: main.text, stop_reason: main.stop_reason,
                          timings: main.timings, unsteered: unsteered, device: s.manifest.device, run: manifest)
        }

        /// One generation, streamed to stdout unless --json.
        func generate<B: ComputeBackend>(_ s: ModelSession<B>, _ prompt: [Int32], steering: ForwardSteering<B.Buffer>?) throws -> Generation {
            let c = command
            let settings = c.sampling.settings(seed: seed)
            var stream = StreamingDetokenizer(tokenizer: s.tokenizer)
            var stops = StopStringFilter(c.stopStrings)
            var text = ""
            func emit(_ piece: String) {
                text += piece
                if !c.output.json, !piece.isEmpty { FileHandle.standardOutput.write(Data(piece.utf8)) }
            }
            var result = try Generator(model: s.model).generate(
                prompt: prompt, maxTokens: GenerationLength.limit(c.maxTokens), sampling: settings,
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
            if let profiler = s.model.backend.profiler { Console.note(profiler.report()) }
            return Generation(tokens: result.tokens, text: text, stop_reason: result.stopReason,
                              timings: Timings(prefill_tok_s: result.prefillTokensPerSecond,
                                               decode_tok_s: result.decodeTokensPerSecond))
        }
    }

    func run() throws {
        let seed = sampling.resolvedSeed()
        try trace.checkWritable()
        let task = Task(command: self, prompt: try input.read(), seed: seed)
        let result = try ModelLoader.run(modelOptions, maxRows: 256, maxLogitRows: 1, seed: seed, task: task)
        if output.json { try Console.json(result) }
    }
}
