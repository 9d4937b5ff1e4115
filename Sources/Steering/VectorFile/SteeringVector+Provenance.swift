extension SteeringVector {
    /// Reasons to doubt that `self` and `other` were made for the same model, short of differing fingerprints (which
    /// `adding` refuses): different `controlvector.model_hint`s, or a fingerprint on one side that the other cannot be
    /// checked against. Empty when nothing speaks against combining them.
    public func provenanceWarnings(against other: SteeringVector) -> [String] {
        var warnings: [String] = []
        if let mine = info.modelHint, let theirs = other.info.modelHint, mine != theirs {
            warnings.append("\(name) was made for a '\(mine)' model but \(other.name) for a '\(theirs)' model"
                            + " (\(VectorFileKey.modelHint)): their directions may not mean the same thing")
        }
        switch (info.fingerprint, other.info.fingerprint) {
        case (let fingerprint?, nil), (nil, let fingerprint?):
            let (recorded, missing) = info.fingerprint != nil ? (name, other.name) : (other.name, name)
            warnings.append("\(recorded) records the model fingerprint \(fingerprint.prefix(12))… but \(missing) records"
                            + " none: cannot check that they were made for the same model")
        default:
            break
        }
        return warnings
    }
}
