import ArgumentParser
import Foundation
import GGUF
import ModelStore
import Tokenizers

/// `-m/--model PATH`: which GGUF model a command reads, with the same name, alias and fallbacks on every command
/// (the model commands through `ModelOptions`; tokenize, detokenize and parity directly).
struct ModelPathOption: ParsableArguments {
    @Option(name: [.customShort("m"), .customLong("model")],
            help: "Path to a GGUF model (default: $VEER_MODEL, then the cached default model).")
    var model: String?

    /// Resolves the model (the option, $VEER_MODEL, the cached default), opens it and builds its tokenizer.
    func open() throws -> (path: URL, file: GGUFFile, tokenizer: Tokenizer) {
        let path = try ModelStore().resolve(explicit: model)
        let file = try GGUFFile(path: path.path)
        return (path, file, try Tokenizer(metadata: file.metadata))
    }
}
