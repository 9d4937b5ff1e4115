extension SteeringVector {
    /// The vector at `factor` times its strength. An `add` vector has every direction multiplied (llama.cpp's
    /// meaning of scaling a control vector); a `rotate` or `scale_units` vector has `veer.strength` multiplied
    /// instead (a prototype must stay a unit vector, and unit coefficients are relative to the strength), as
    /// `FILE:S` does. Either way the recommended strength range is rescaled to keep the same effect
    /// (strength / factor); the other metadata still describes the vector. A non-finite factor, or one that
    /// overflows a value to infinity, is an error: a vector never holds non-finite values.
    public func scaled(by factor: Float) throws -> SteeringVector {
        guard factor.isFinite else {
            throw SteeringVectorError(file: name, .invalidValue(key: "scale factor", value: "\(factor)", expected: "a finite number"))
        }
        var result = self
        if info.operation == .add {
            result.directions = directions.mapValues { $0.map { $0 * factor } }
        } else {
            let strength = (info.strength ?? 1) * factor
            guard strength.isFinite else {
                throw SteeringVectorError(file: name, .invalidValue(key: VectorFileKey.strength, value: "\(strength) after scaling by \(factor)",
                                                                    expected: "a finite float32"))
            }
            result.info.strength = strength
        }
        result.info.strengthRange = info.strengthRange.flatMap { range in
            guard factor != 0 else { return nil }
            let (a, b) = (range.lowerBound / factor, range.upperBound / factor)
            return a.isFinite && b.isFinite ? min(a, b)...max(a, b) : nil
        }
        try Self.checkFinite(result.directions, after: "scaling by \(factor)", name: name)
        return result
    }

    /// Block-wise sum; a block only one side has keeps that side's direction. Both must have the same width and
    /// operation and, where both record one, the same model fingerprint. Extraction details are kept where both
    /// agree and dropped where they differ; the strength range is dropped (the sum has other units).
    public func adding(_ other: SteeringVector) throws -> SteeringVector {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: name, kind) }
        func refuse(_ reason: String) -> SteeringVectorError { fail(.cannotCombine(other: other.name, reason: reason)) }
        guard other.width == width else { throw refuse("widths differ (\(width) here, \(other.width) there)") }
        guard other.info.operation == info.operation else {
            throw refuse("operations differ ('\(info.operation.rawValue)' here, '\(other.info.operation.rawValue)' there)")
        }
        guard info.operation == .add else {
            throw refuse("only add vectors can be summed; a sum of \(info.operation.rawValue) data means nothing"
                + " (two prototypes do not add up to a rotation, nor unit coefficients to a selection): list both with --steer")
        }
        let (positions, otherPositions) = (info.steeredPositions ?? info.effectiveMethod.defaultPositions,
                                           other.info.steeredPositions ?? other.info.effectiveMethod.defaultPositions)
        guard positions == otherPositions else {
            throw refuse("they steer different positions (\(positions) here, \(otherPositions) there)")
        }
        guard other.info.site == info.site else {
            throw refuse("hook sites differ ('\(info.site.rawValue)' here, '\(other.info.site.rawValue)' there)")
        }
        if let a = info.fingerprint, let b = other.info.fingerprint, a != b {
            throw refuse("model fingerprints differ (made for different models)")
        }

        // Different strengths are folded into the directions, so each side keeps its effect in the sum.
        let (strength, otherStrength) = (info.strength ?? 1, other.info.strength ?? 1)
        let folded = strength != otherStrength
        var result = self
        var otherDirections = other.directions
        if folded {
            result.directions = directions.mapValues { $0.map { $0 * strength } }
            otherDirections = otherDirections.mapValues { $0.map { $0 * otherStrength } }
        }
        result.directions.merge(otherDirections) { zip($0, $1).map { $0 + $1 } }
        func agreed<T: Equatable>(_ a: T?, _ b: T?) -> T? { a == b ? a : nil }
        result.info = VectorInfo(
            operation: info.operation,
            site: info.site,
            method: agreed(info.method, other.info.method),
            positions: agreed(info.positions, other.info.positions),
            bos: agreed(info.bos, other.info.bos),
            chatTemplate: agreed(info.chatTemplate, other.info.chatTemplate),
            layerNorms: info.layerNorms == other.info.layerNorms ? info.layerNorms : [:],
            fingerprint: info.fingerprint ?? other.info.fingerprint,
            modelHint: agreed(info.modelHint, other.info.modelHint),
            steeringMethod: agreed(info.steeringMethod, other.info.steeringMethod),
            steeredPositions: agreed(info.steeredPositions, other.info.steeredPositions) ?? (positions == .all ? nil : positions),
            strength: folded ? nil : info.strength ?? other.info.strength)
        // Adding in-range values can still overflow Float to inf; a vector never holds non-finite values. The error
        // names the sum, not an input: each input was finite.
        try Self.checkFinite(result.directions, after: "the sum", name: "\(name) + \(other.name)")
        return result
    }

    /// Fails, naming `operation` and the first block and index, when an operation on finite vectors overflowed.
    static func checkFinite(_ directions: [Int: [Float]], after operation: String, name: String) throws {
        for block in directions.keys.sorted() {
            let values = directions[block]!
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw SteeringVectorError(file: name, .overflow(operation: operation, block: block, index: index,
                                                                value: values[index]))
            }
        }
    }

    /// Every direction scaled to L2 norm 1 (an all-zero direction stays zero: it has no direction to keep). The
    /// strength range is dropped: it was stated in the old units. Only `add` vectors have directions to normalize:
    /// a prototype is unit already and unit coefficients are no direction, so other operations are an error.
    public func normalized() throws -> SteeringVector {
        guard info.operation == .add else {
            throw SteeringVectorError(file: name, .invalidValue(
                key: VectorFileKey.operation, value: "'\(info.operation.rawValue)'",
                expected: "'add' to normalize (rotate prototypes are unit vectors already; scale_units coefficients are no direction)"))
        }
        var result = self
        result.directions = directions.mapValues { values in
            let norm = Self.norm(values)
            return norm > 0 ? values.map { $0 / norm } : values
        }
        result.info.strengthRange = nil
        return result
    }
}
