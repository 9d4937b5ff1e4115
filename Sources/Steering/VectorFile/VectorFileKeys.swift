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

    // Format version 2: the steering method's own keys.
    static let steeringMethod = "veer.method"
    static let steeredPositions = "veer.positions"
    static let strength = "veer.strength"
    static let sphericalGated = "veer.spherical.gated"
    static let sphericalKappa = "veer.spherical.kappa"
    static let sphericalBeta = "veer.spherical.beta"
    static let selectedUnitCount = "veer.austeer.k"

    /// The keys format version 1 does not have: a file holding any of them is version 2.
    static let version2Keys = [steeringMethod, steeredPositions, strength, sphericalGated, sphericalKappa, sphericalBeta,
                               selectedUnitCount]

    /// The `veer.format_version`s this code reads. A change that an older reader would misread (a new operation's
    /// tensors, a key that changes what the data does) bumps it; optional keys a reader may ignore do not. Version 2
    /// added the `rotate` and `scale_units` operations, their tensors and the method keys above; a file without any
    /// of them is still written as version 1, byte for byte what earlier Veer wrote.
    static let readableFormatVersions: ClosedRange<UInt32> = 1...2
    static let firstFormatVersion: UInt32 = 1
    static let methodsFormatVersion: UInt32 = 2
}
