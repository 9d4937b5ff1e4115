import ArgumentParser

/// `-m/--model PATH`: which GGUF model a command reads, with the same name, alias and fallbacks on every command
/// (the model commands through `ModelOptions`; tokenize, detokenize and parity directly).
struct ModelPathOption: ParsableArguments {
    @Option(name: [.customShort("m"), .customLong("model")],
            help: "Path to a GGUF model (default: $VEER_MODEL, then the cached default model).")
    var model: String?
}
