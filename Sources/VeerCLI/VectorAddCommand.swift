import ArgumentParser
import Steering

/// `veer vector add A B[:W] ... --out F`: the weighted block-wise sum of vectors, as llama.cpp sums several
/// `--control-vector-scaled` files at load.
struct VectorAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Sum add vectors block by block, each optionally weighted (FILE:W, W may be negative); rotate and scale_units files cannot be summed.")

    @Argument(help: "Vector files, each FILE or FILE:W (default weight 1).") var files: [String]
    @OptionGroup var output: VectorOutputOptions

    func validate() throws {
        guard files.count >= 2 else { throw ValidationError("add needs at least two vector files, got \(files.count)") }
    }

    func run() throws {
        var first: SteeringVector?
        var sum: SteeringVector?
        for argument in files {
            let reference = try ScaledVectorPath(argument: argument)
            let vector = try SteeringVector.load(path: reference.path)
            // Fingerprints that differ are refused by `adding`; weaker signs of different models are warnings.
            for warning in first?.provenanceWarnings(against: vector) ?? [] { Console.note("warning: \(warning)") }
            first = first ?? vector
            let term = try vector.scaled(by: reference.strength)
            sum = try sum.map { try $0.adding(term) } ?? term
        }
        try output.write(sum!)
    }
}
