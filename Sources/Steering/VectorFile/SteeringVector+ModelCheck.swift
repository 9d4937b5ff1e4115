extension SteeringVector {
    /// Checks that the vector fits `model`. What makes applying it impossible or meaningless is an error: a width
    /// other than the model's, a direction for a block the model lacks. What only suggests another model is a
    /// warning (returned): a fingerprint that differs, a model hint naming another architecture. With `strict`, a
    /// fingerprint that differs or is missing is an error too. `controlvector.layer_count` is never consulted.
    public func check(against model: ModelIdentity, strict: Bool) throws -> [String] {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: name, kind) }
        guard width == model.width else { throw fail(.modelWidth(vectorWidth: width, modelWidth: model.width, model: model.name)) }
        if let beyond = blocks.first(where: { $0 >= model.blockCount }) {
            throw fail(.blockOutOfRange(block: beyond, blockCount: model.blockCount, model: model.name))
        }
        var warnings: [String] = []
        switch info.fingerprint {
        case model.fingerprint?:
            return []
        case let recorded?:
            let mismatch = fail(.fingerprintMismatch(vector: recorded, model: model.fingerprint, modelFile: model.name))
            if strict { throw mismatch }
            warnings.append(mismatch.description + "; applying it anyway (widths and blocks fit)")
        case nil:
            if strict { throw fail(.noFingerprint(model: model.name)) }
        }
        if let hint = info.modelHint, hint != model.architecture, hint != "unknown" {
            warnings.append("\(name): controlvector.model_hint is '\(hint)' but \(model.name) is '\(model.architecture)'")
        }
        return warnings
    }
}
