import ArgumentParser
import Steering

/// `veer vector normalize FILE --out F`: each direction scaled to unit L2 norm, so strengths mean the same on every
/// block.
struct VectorNormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize", abstract: "Scale each direction of an add vector to unit L2 norm.")

    @Argument(help: "The vector file.") var file: String
    @OptionGroup var output: VectorOutputOptions

    func run() throws {
        try output.write(try SteeringVector.load(path: file).normalized())
    }
}
