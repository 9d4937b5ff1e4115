import ArgumentParser
import Kernels

/// `--precision`: one of the `Precision` modes, or `auto`, the fastest mode that passes its gate on the chosen
/// backend (q8 on the CPU backend, f32 on Vulkan, where q8 does not exist yet). Manifests record the resolved mode.
enum PrecisionChoice {
    static let auto = "auto"
    static let names = [auto] + Precision.allCases.map(\.rawValue)

    static let help = ArgumentHelp(
        "Arithmetic: \(names.joined(separator: ", ")) (auto: q8 on the CPU backend, f32 on Vulkan).",
        discussion: """
            f32: everything in f32, the exact path the F32 goldens check (either backend).
            q8: llama.cpp's CPU arithmetic, faster: activations rounded to 8-bit blocks for quantized weights (CPU only).
            """)

    static func validate(_ text: String) throws {
        guard names.contains(text) else {
            throw ValidationError("--precision \(text): supported: \(names.joined(separator: ", "))")
        }
    }

    /// The mode a run on `backend` uses; q8 on Vulkan is an error.
    static func resolve(_ text: String, backend: ModelLoader.Concrete) throws -> Precision {
        try validate(text)
        switch (Precision(rawValue: text), backend) {
        case (nil, .cpu): return .q8
        case (nil, .vulkan): return .f32
        case (.q8?, .vulkan):
            throw ValidationError("--precision q8 is a CPU mode: the Vulkan backend runs f32 only (use --backend cpu, or --precision f32)")
        case let (precision?, _): return precision
        }
    }
}
