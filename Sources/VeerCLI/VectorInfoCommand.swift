import ArgumentParser
import GGUF
import Steering

/// `veer vector info [--json] FILE`: what a vector file holds: its metadata keys, the blocks it steers and each
/// direction's norm (with the residual norm recorded at extraction, when the file has one).
struct VectorInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a vector file's keys, steered blocks and per-block norms.")

    @Argument(help: "The vector file.") var file: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let gguf = try GGUFFile(path: file)
        let report = VectorReport(vector: try SteeringVector.load(file: gguf), metadata: gguf.metadata)
        if output.json {
            try Console.json(report)
        } else {
            Console.output(report.text)
        }
    }
}
