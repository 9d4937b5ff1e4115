import ArgumentParser
import Foundation
import KernelsVulkan
import Llama
import Tokenizers
import VulkanRuntime

/// `veer parity [--json] TEXT`: the same input through the CPU and the Vulkan backend; the largest logit difference
/// at every position and whether the greedy continuations agree.
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity", abstract: "Run CPU and Vulkan on the same text and compare their logits and greedy continuations.")

    @OptionGroup var location: ModelPathOption
    @OptionGroup var context: ContextSizeOption
    @Option(name: .customLong("max-tokens"), help: "Greedy tokens to compare after the text.") var maxTokens = 8
    @OptionGroup var output: OutputOptions
    @Argument(help: "The text (special-token text such as <|im_start|> is recognised).") var text: String

    struct Result: Encodable {
        var tokens: [Int32]
        var max_abs_diff_per_position: [Double]
        var max_abs_diff: Double
        var greedy_cpu: [Int32]
        var greedy_vulkan: [Int32]
        var greedy_agree: Bool
        var device: String
    }

    func run() throws {
        let (path, file, tokenizer) = try location.open()
        let ids = tokenizer.encode(text, parseSpecial: true).ids
        guard !ids.isEmpty else { throw ValidationError("the text has no tokens") }
        let contextSize = try context.resolved(modelLimit: try LlamaConfig(from: file).contextLength, file: path.path)
        guard ids.count + maxTokens <= contextSize else { throw ValidationError("text plus --max-tokens exceed --ctx-size \(contextSize)") }

        let cpu = try LlamaModel(source: file, backend: try BackendFactory.cpu(), contextSize: contextSize, maxRows: max(ids.count, 1))
        let vulkanBackend = try BackendFactory.vulkan()
        Console.note("comparing cpu with vulkan on \(vulkanBackend.deviceInfo)")
        let gpu = try LlamaModel(source: file, backend: vulkanBackend, contextSize: contextSize, maxRows: max(ids.count, 1))

        let all = ForwardBatch.prefill(ids, allLogits: true)
        try cpu.forward(all)
        try gpu.forward(all)
        let a = try cpu.readLogits(rows: ids.count), b = try gpu.readLogits(rows: ids.count)
        let perPosition = zip(a, b).map { x, y in Double(zip(x, y).map { abs($0 - $1) }.max() ?? 0) }

        let greedy = SamplerSettings(temperature: 0)
        let cpuTokens = try Generator(model: cpu).generate(prompt: ids, maxTokens: maxTokens, sampling: greedy, stopTokens: [], ignoreEOS: true).tokens
        let gpuTokens = try Generator(model: gpu).generate(prompt: ids, maxTokens: maxTokens, sampling: greedy, stopTokens: [], ignoreEOS: true).tokens
        let result = Result(tokens: ids, max_abs_diff_per_position: perPosition, max_abs_diff: perPosition.max() ?? 0,
                            greedy_cpu: cpuTokens, greedy_vulkan: gpuTokens, greedy_agree: cpuTokens == gpuTokens,
                            device: vulkanBackend.deviceInfo.name)
        if output.json {
            try Console.json(result)
        } else {
            for (i, d) in perPosition.enumerated() { Console.output(String(format: "pos %3d  token %6d  max |cpu - vulkan| %.3g", i, ids[i], d)) }
            Console.output(String(format: "max %.3g; greedy (%d tokens) %@", result.max_abs_diff, maxTokens,
                                  result.greedy_agree ? "agrees" : "differs: cpu \(cpuTokens) vs vulkan \(gpuTokens)"))
        }
    }
}
