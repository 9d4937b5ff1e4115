import ArgumentParser

/// `veer`: run and steer Llama-family models through Vulkan compute shaders, with a fast CPU fallback.
/// One file per subcommand; the logic lives in the libraries the tests also call.
@main
struct Veer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veer",
        abstract: "Run and steer Llama-family models on any GPU through Vulkan compute shaders.",
        // The version every run manifest records (`veer_version`): one constant for both.
        version: RunManifest.version,
        subcommands: [
            InfoCommand.self, BenchCommand.self, ModelCommand.self, TokenizeCommand.self, GenerateCommand.self,
            LogitsCommand.self, ParityCommand.self, ChatCommand.self, DetokenizeCommand.self, CaptureCommand.self, ExtractCommand.self,
            VectorCommand.self, EvalCommand.self, SweepCommand.self, SweepSearchCommand.self, PrefUtilCommand.self,
            ServeCommand.self,
        ])

    /// Parses llama.cpp's two-value options as one value each (see `LlamaCppArguments`), and `veer sweep search ...`
    /// or `veer sweep --search ...` as the search command (a command of its own: as a subcommand of `veer sweep` it
    /// would have to satisfy the sweep's required options too), then runs as usual.
    static func main() {
        main(searchAsSubcommand(LlamaCppArguments.joiningPairs(Array(CommandLine.arguments.dropFirst()))))
    }

    static func searchAsSubcommand(_ arguments: [String]) -> [String] {
        guard arguments.first == "sweep" else { return arguments }
        if arguments.dropFirst().first == "search" { return [SweepSearchCommand.configuration.commandName!] + arguments.dropFirst(2) }
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        guard let flag = arguments[..<end].firstIndex(of: "--search") else { return arguments }
        var rest = arguments
        rest.remove(at: flag)
        return [SweepSearchCommand.configuration.commandName!] + rest.dropFirst()
    }
}
