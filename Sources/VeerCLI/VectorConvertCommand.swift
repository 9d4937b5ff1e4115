import ArgumentParser
import GGUF
import ModelStore
import Steering

/// `veer vector convert FILE --out F [--model PATH]`: rewrites a llama.cpp, repeng or Veer vector as a Veer file, a
/// JSON spec as a vector file, or a vector file as a JSON spec (`--out F.json`). With --model a vector is checked
/// against the model (width, blocks) and the model's fingerprint is recorded; a JSON spec on either side always
/// needs a model (its widths and head layout), by default the one model commands use.
struct VectorConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite a vector as a Veer vector file, a JSON spec as a vector file, or a vector as a JSON spec (--out F.json).")

    @Argument(help: "The vector file, or a JSON spec (FILE.json).") var file: String
    @Option(help: "A GGUF model to check the vector against and record the fingerprint of (for a JSON spec, in or out: default $VEER_MODEL, then the cached default model).")
    var model: String?
    @OptionGroup var output: VectorOutputOptions

    func run() throws {
        let specIn = SteeringSource.isSpec(file), specOut = SteeringSource.isSpec(output.out)
        if specIn || specOut {
            let identity = try ModelIdentity(file: GGUFFile(path: ModelStore().resolve(explicit: model).path))
            let conversion = SpecConversion(model: identity)
            if specOut {
                try conversion.writeSpec(of: specIn ? try conversion.specEntries(file) : [try conversion.vectorEntry(file)],
                                         source: file, to: output.out)
                Console.output(output.out)
            } else {
                try conversion.write(try conversion.vector(ofSpec: file, name: output.out), to: output.out)
            }
            return
        }
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
