import ArgumentParser
import GGUF
import Steering

/// `veer vector convert FILE --out F [--model PATH]`: rewrites a llama.cpp, repeng or Veer vector as a Veer file.
/// With --model the vector is checked against the model (width, blocks) and the model's fingerprint is recorded.
struct VectorConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite a llama.cpp, repeng or Veer vector as a Veer vector file, optionally bound to a model.")

    @Argument(help: "The vector file.") var file: String
    @Option(help: "A GGUF model to check the vector against and record the fingerprint of.") var model: String?
    @OptionGroup var output: VectorOutputOptions

    func run() throws {
        var vector = try SteeringVector.load(path: file)
        if let model {
            let identity = try ModelIdentity(file: GGUFFile(path: model))
            // A vector already bound to another model is not silently re-bound to this one.
            if let recorded = vector.info.fingerprint, recorded != identity.fingerprint {
                throw SteeringVectorError(file: file, .fingerprintMismatch(vector: recorded, model: identity.fingerprint, modelFile: model))
            }
            for warning in try vector.check(against: identity, strict: false) { Console.note("warning: \(warning)") }
            vector.info.fingerprint = identity.fingerprint
            vector.info.modelHint = identity.architecture
        }
        try output.write(vector)
    }
}
