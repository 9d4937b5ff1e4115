import ArgumentParser

/// `veer`: run and steer Llama-family models through Vulkan compute shaders, with a fast CPU fallback.
/// One file per subcommand; the logic lives in the libraries the tests also call.
@main
struct Veer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veer",
        abstract: "Run and steer Llama-family models on any GPU through Vulkan compute shaders.",
        subcommands: [
            InfoCommand.self, BenchCommand.self, ModelCommand.self, TokenizeCommand.self, GenerateCommand.self,
            LogitsCommand.self, ParityCommand.self, ChatCommand.self, CaptureCommand.self, ExtractCommand.self,
            VectorCommand.self,
        ])
}
