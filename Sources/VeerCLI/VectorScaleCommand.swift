import ArgumentParser
import Steering

/// `veer vector scale FILE --by S --out F`: an add file's directions times S (negative S flips the vector); a rotate
/// or scale_units file's `veer.strength` times S (its prototypes or unit coefficients are kept), as `FILE:S` does.
struct VectorScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Multiply a vector by a factor: an add file's directions (negative flips it), a rotate or scale_units file's veer.strength.")

    @Argument(help: "The vector file.") var file: String
    // .unconditional: without it "--by -2" reads "-2" as an unknown option instead of the value.
    @Option(name: .customLong("by"), parsing: .unconditional, help: ArgumentHelp("The factor, e.g. 2 or -0.5.", valueName: "factor")) var factor: Float
    @OptionGroup var output: VectorOutputOptions

    func run() throws {
        try output.write(try SteeringVector.load(path: file).scaled(by: factor))
    }
}
