import ArgumentParser
import Steering

/// `veer vector scale FILE --by S --out F`: every direction times S (negative S flips the vector).
struct VectorScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Multiply every direction of a vector by a factor (negative flips it).")

    @Argument(help: "The vector file.") var file: String
    // .unconditional: without it "--by -2" reads "-2" as an unknown option instead of the value.
    @Option(name: .customLong("by"), parsing: .unconditional, help: ArgumentHelp("The factor, e.g. 2 or -0.5.", valueName: "factor")) var factor: Float
    @OptionGroup var output: VectorOutputOptions

    func run() throws {
        try output.write(try SteeringVector.load(path: file).scaled(by: factor))
    }
}
