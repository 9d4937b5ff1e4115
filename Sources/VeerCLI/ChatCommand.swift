import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer chat`: an interactive conversation on stdin/stdout with the model's chat template. Each turn renders the
/// whole conversation, prefills only what the KV cache does not hold yet (the tokens after the longest prefix it
/// shares with the previous turn's prompt and answer), then streams the answer until an end-of-generation token. Empty lines are ignored; end of input or `/exit`
/// ends the chat. When the conversation outgrows the context, the oldest turns are dropped (said on stderr); a message
/// too long to fit even alone is refused and the chat goes on. With `--steer`, every turn is steered (positions count from the start of the rendered conversation; `from:answer-start` is each answer).
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "Chat with the model interactively.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var templateOptions: ChatTemplateOptions
    @OptionGroup var steering: SteeringOptions
    @Option(help: "A system message (default: the template's own, if it has one).") var system: String?
    @Option(name: [.customShort("n"), .customLong("max-tokens")], parsing: .unconditional,
            help: "Tokens per answer at most; -1: until end of generation or a full context.")
    var maxTokens = 256
    @OptionGroup var sampling: SamplingOptions

    struct Task: ModelTask {
        var command: ChatCommand
        var seed: UInt64
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws {
            let template = try command.templateOptions.template(for: s.file)
            let generator = try Generator(model: s.model)
            let loaded = try command.steering.load(for: s)
            var history = ChatHistory(system: command.system)
            let context = s.model.cache.shape.ctx
            // Room kept for each answer when old turns must go: --max-tokens, but never more than half the context.
            let answerRoom = min(GenerationLength.limit(command.maxTokens), context / 2)
            var turn: UInt64 = 0
            var cached: [Int32] = []   // what slot 0's cache holds, positions 0..<count
            // Steered keys and values stay valid across turns only when every position is steered the same way
            // whatever the turn; otherwise each turn prefills the whole conversation under its own span.
            let reusesCache = loaded.map { $0.positions == .all && $0.cacheMode == .steeredPersist } ?? true
            while true {
                FileHandle.standardError.write(Data("> ".utf8))
                guard let line = readLine() else { break }
                let typed = line.trimmingCharacters(in: .whitespaces)
                if typed.isEmpty { continue }
                if typed == "/exit" { break }
                let fit = history.fit(line, context: context, answerRoom: answerRoom) { messages in
                    let rendered = template.render(messages: messages, addGenerationPrompt: true)
                    return (rendered: rendered, encoding: rendered.encode(with: s.tokenizer, addBOS: s.addBOS))
                } length: { $0.encoding.ids.count }
                guard case let .fits((rendered, prompt), droppedTurns) = fit else {
                    if case let .tooLong(tokens) = fit {
                        Console.note("message not sent: it takes \(tokens) tokens with the template, and the context of"
                                     + " \(context) tokens (--ctx-size) must also keep \(answerRoom) for the answer")
                    }
                    continue
                }
                if droppedTurns > 0 {
                    Console.note("note: dropped the oldest \(droppedTurns) turn\(droppedTurns == 1 ? "" : "s") of the conversation"
                                 + " to fit the context of \(context) tokens (--ctx-size)")
                }
                let answerStart = rendered.answerStartToken(in: prompt)
                if turn == 0 {   // what is steered, said once: every turn is steered the same way
                    try loaded?.announce(s.model, prompt: prompt.ids,
                                         span: SequenceSpan(promptLength: prompt.ids.count, answerStart: answerStart), length: context)
                }
                let steering = try loaded?.forward(s.model, promptLength: prompt.ids.count, answerStart: answerStart)
                var stream = StreamingDetokenizer(tokenizer: s.tokenizer)
                let settings = command.sampling.settings(seed: seed &+ turn)
                let eog = s.tokenizer.vocabulary.endOfGeneration
                let shared = reusesCache ? zip(cached, prompt.ids).prefix { $0 == $1 }.count : 0
                let result = try generator.generate(prompt: prompt.ids, maxTokens: GenerationLength.limit(command.maxTokens), sampling: settings,
                                                    stopTokens: eog, steering: steering, cachedPrefix: shared) { token in
                    if !eog.contains(token) { FileHandle.standardOutput.write(Data(stream.append(token).utf8)) }
                    return true
                }
                Console.output(stream.finish())
                cached = result.cachedTokens
                let answer = s.tokenizer.decode(result.tokens.filter { !eog.contains($0) })
                history.append(user: line, assistant: answer)
                turn += 1
            }
        }
    }

    func validate() throws { try GenerationLength.validate(maxTokens) }

    func run() throws {
        let seed = sampling.resolvedSeed()
        try ModelLoader.run(modelOptions, maxLogitRows: 1, seed: seed, task: Task(command: self, seed: seed))
    }
}
