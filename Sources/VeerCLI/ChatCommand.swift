import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering
import Tokenizers

/// `veer chat`: an interactive conversation on stdin/stdout with the model's chat template. Each turn renders the
/// whole conversation, prefills only what the KV cache does not hold yet (the tokens after the longest prefix it
/// shares with the previous turn's prompt and answer), then streams the answer until an end-of-generation token. An empty line or end of input ends the chat. With `--steer`, every turn is
/// steered (positions count from the start of the rendered conversation; `from:answer-start` is each answer).
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "Chat with the model interactively.")

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var templateOptions: ChatTemplateOptions
    @OptionGroup var steering: SteeringOptions
    @Option(help: "A system message (default: the template's own, if it has one).") var system: String?
    @Option(name: .customLong("max-tokens"), help: "Tokens per answer at most.") var maxTokens = 256
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature: Float = 0.8
    @Option(help: "Random seed.") var seed: UInt64 = 0

    struct Task: ModelTask {
        var command: ChatCommand
        func run<B: ComputeBackend>(_ s: ModelSession<B>) throws {
            let template = try command.templateOptions.template(for: s.file)
            let generator = try Generator(model: s.model)
            let loaded = try command.steering.load(for: s)
            var messages: [ChatMessage] = command.system.map { [ChatMessage(role: "system", content: $0)] } ?? []
            var turn: UInt64 = 0
            var cached: [Int32] = []   // what slot 0's cache holds, positions 0..<count
            // Steered keys and values stay valid across turns only when every position is steered the same way
            // whatever the turn; otherwise each turn prefills the whole conversation under its own span.
            let reusesCache = loaded.map { $0.positions == .all && $0.cacheMode == .steeredPersist } ?? true
            while true {
                FileHandle.standardError.write(Data("> ".utf8))
                guard let line = readLine(), !line.isEmpty else { break }
                messages.append(ChatMessage(role: "user", content: line))
                let rendered = template.render(messages: messages, addGenerationPrompt: true)
                let prompt = rendered.encode(with: s.tokenizer, addBOS: s.addBOS)
                if turn == 0 { try loaded?.warnAboutStrength(s.model, prompt: prompt.ids) }
                let steering = try loaded?.forward(s.model, promptLength: prompt.ids.count,
                                                   answerStart: rendered.answerStartToken(in: prompt))
                var stream = StreamingDetokenizer(tokenizer: s.tokenizer)
                let settings = SamplerSettings(temperature: command.temperature, seed: command.seed &+ turn)
                let eog = s.tokenizer.vocabulary.endOfGeneration
                let shared = reusesCache ? zip(cached, prompt.ids).prefix { $0 == $1 }.count : 0
                let result = try generator.generate(prompt: prompt.ids, maxTokens: command.maxTokens, sampling: settings,
                                                    stopTokens: eog, steering: steering, cachedPrefix: shared) { token in
                    if !eog.contains(token) { FileHandle.standardOutput.write(Data(stream.append(token).utf8)) }
                    return true
                }
                Console.output(stream.finish())
                cached = result.cachedTokens
                let answer = s.tokenizer.decode(result.tokens.filter { !eog.contains($0) })
                messages.append(ChatMessage(role: "assistant", content: answer))
                turn += 1
            }
        }
    }

    func run() throws {
        try ModelLoader.run(modelOptions, seed: seed, task: Task(command: self))
    }
}
