import Llama

extension SteeringVector {
    /// Checks that the vector fits `model`. What makes applying it impossible or meaningless is an error: a width
    /// other than that of the vector's site in the model, a direction for a block the model lacks. What only suggests
    /// another model is a warning (returned): a fingerprint that differs, a model hint naming another architecture.
    /// With `strict`, a fingerprint that differs or is missing is an error too. `controlvector.layer_count` is never
    /// consulted.
    public func check(against model: ModelIdentity, strict: Bool) throws -> [String] {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: name, kind) }
        let (siteWidth, derivation) = try model.width(of: info.site, for: name)
        guard width == siteWidth else {
            throw fail(.modelWidth(vectorWidth: width, modelWidth: siteWidth, model: model.name, site: info.site.rawValue,
                                   derivation: derivation))
        }
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

extension ModelIdentity {
    /// The width of hook site `site` in this model and how it follows from the model's metadata (for messages):
    /// the residual sites are `embedding_length` wide, `heads_concat` heads x head_dim (ITI and attention AUSteer
    /// files), `mlp_mid` `feed_forward_length`. An error naming `file` when the model does not say.
    func width(of site: HookSite, for file: String) throws -> (width: Int, derivation: String) {
        switch site {
        case .residPost, .residMid, .mlpOut, .attnNorm, .resultNorm:
            return (width, "\(site.rawValue) is embedding_length wide")
        case .headsConcat:
            return (headsWidth, "heads_concat is head_count x head_dim = \(headCount) x \(headDimension)")
        case .mlpMid:
            guard let feedForwardWidth else {
                throw SteeringVectorError(file: file, .unknownSiteWidth(site: site.rawValue, model: name,
                                                                        missing: "\(architecture).feed_forward_length"))
            }
            return (feedForwardWidth, "mlp_mid is feed_forward_length wide")
        }
    }
}
