/// Metadata keys and tensor names of vector files. llama.cpp's keys come first: `general.architecture` must be
/// "controlvector"; `controlvector.model_hint` and `controlvector.layer_count` are written for llama.cpp and repeng
/// but never trusted when read. Veer's own keys live under `veer.`; `docs/vector-format.md` lists them with types.
enum VectorFileKey {
    static let architecture = "general.architecture"
    static let architectureValue = "controlvector"
    static let modelHint = "controlvector.model_hint"
    static let layerCount = "controlvector.layer_count"

    static let formatVersion = "veer.format_version"
    static let operation = "veer.operation"
    static let site = "veer.site"
    static let method = "veer.extraction.method"
    static let positions = "veer.extraction.positions"
    static let bos = "veer.extraction.bos"
    static let chatTemplate = "veer.extraction.chat_template"
    static let layers = "veer.layers"
    static let layerNorms = "veer.layer_norms"
    static let fingerprint = "veer.model.fingerprint"
    static let strengthRange = "veer.strength_range"
    static let convertedFrom = "veer.converted_from"

    /// The `veer.format_version` this code writes and the only one it reads. A change that an older reader would
    /// misread (a new operation's tensors, a changed meaning) bumps it; optional keys a reader may ignore do not.
    static let currentFormatVersion: UInt32 = 1
}

/// What a tensor name in a vector file means. llama.cpp accepts only `direction.N` with N >= 1 and refuses the
/// whole file for any other name, which is exactly what Veer-only data needs: a block-0 direction, a direction meant
/// for another hook site than llama.cpp's block output, or data of a non-additive operation (reserved: `veer.mu.N`,
/// ...) makes llama.cpp refuse the file instead of applying part of it, or applying it in the wrong place.
enum VectorTensorName: Equatable {
    /// `direction.N`, N >= 1: block N's direction; llama.cpp reads these.
    case direction(block: Int)
    /// `veer.direction.N`, N >= 0: block N's direction in a file llama.cpp must not apply.
    case veerDirection(block: Int)
    /// `direction.0`: llama.cpp refuses it; Veer writes block 0 as `veer.direction.0`.
    case llamaCppBlockZero
    case unknown

    static let directionPrefix = "direction."
    static let veerDirectionPrefix = "veer.direction."

    init(_ name: String) {
        if name.hasPrefix(Self.veerDirectionPrefix), let block = Self.blockIndex(name.dropFirst(Self.veerDirectionPrefix.count)) {
            self = .veerDirection(block: block)
        } else if name.hasPrefix(Self.directionPrefix), let block = Self.blockIndex(name.dropFirst(Self.directionPrefix.count)) {
            self = block == 0 ? .llamaCppBlockZero : .direction(block: block)
        } else {
            self = .unknown
        }
    }

    /// The tensor name of block `block`'s direction: llama.cpp's name unless the file must stay Veer-only or the
    /// block is 0 (which llama.cpp has no name for).
    static func name(forBlock block: Int, llamaCppReadable: Bool = true) -> String {
        (block == 0 || !llamaCppReadable ? veerDirectionPrefix : directionPrefix) + String(block)
    }

    /// Plain decimal digits only: "+1", " 1" or "0x1" are not block indices, although a lenient integer parser
    /// (llama.cpp uses std::stoi) might take them.
    private static func blockIndex(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
