import ArgumentParser
import Kernels

/// Backends a model command can run on. `auto`: a GPU if one is present, else the CPU backend (lavapipe is for
/// tests, not speed); the choice is reported on stderr.
enum ModelBackendChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, cpu, vulkan
}

/// Options every model command shares: which model, which backend, which arithmetic, how much context.
struct ModelOptions: ParsableArguments {
    @OptionGroup var location: ModelPathOption
    var model: String? { location.model }

    @Option(help: "Backend: auto (a GPU if present, else CPU), cpu or vulkan.")
    var backend: ModelBackendChoice = .auto

    @Option(help: PrecisionChoice.help)
    var precision: String = Precision.f32.rawValue

    @OptionGroup var context: ContextSizeOption

    @OptionGroup var threading: ThreadOptions

    @Flag(inversion: .prefixedNo, help: "Add the BOS token (default: the model's tokenizer.ggml.add_bos_token).")
    var bos: Bool?

    func validate() throws {
        try PrecisionChoice.validate(precision)
        if backend == .vulkan { _ = try PrecisionChoice.resolve(precision, backend: .vulkan) }
    }
}
