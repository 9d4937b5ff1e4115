extension SteeringVector {
    /// What makes this vector a format-version-2 file, in words ("veer.operation 'rotate'", "key veer.method"), or
    /// nil for a plain additive vector that version 1 describes completely.
    var formatVersion2Content: String? {
        if info.operation != .add { return "veer.operation '\(info.operation.rawValue)'" }
        let present: [(String, Bool)] = [
            (VectorFileKey.steeringMethod, info.steeringMethod != nil),
            (VectorFileKey.steeredPositions, info.steeredPositions != nil),
            (VectorFileKey.strength, info.strength != nil),
            ("veer.spherical.*", info.sphericalGate != nil),
            (VectorFileKey.selectedUnitCount, info.selectedUnitCount != nil),
        ]
        return present.first { $0.1 }.map { "key \($0.0)" }
    }

    /// The `veer.format_version` the writer gives this vector: 1 unless it holds version-2 content.
    var formatVersion: UInt32 {
        formatVersion2Content == nil ? VectorFileKey.firstFormatVersion : VectorFileKey.methodsFormatVersion
    }

    /// Checks that the method keys fit the operation and the data, the same way when a file is read, when a vector
    /// is built in memory and before one is written (so Veer never writes a file it would refuse to read). Each
    /// error names `file`, the key or tensor, the value found and what was expected.
    func checkLayout(file: String) throws {
        func invalid(_ key: String, _ value: String, _ expected: String) -> SteeringVectorError {
            SteeringVectorError(file: file, .invalidValue(key: key, value: value, expected: expected))
        }
        let operation = info.operation
        let inThisFile = "in a file whose veer.operation is '\(operation.rawValue)'"
        if let strength = info.strength, !strength.isFinite {
            throw invalid(VectorFileKey.strength, "\(strength)", "a finite float32")
        }
        if let method = info.steeringMethod {
            let fitting = SteeringMethod.allCases.filter { $0.operation == operation }.map(\.rawValue)
            guard method.operation == operation else {
                throw invalid(VectorFileKey.steeringMethod, "'\(method.rawValue)'", "\(fitting.joined(separator: " or ")) \(inThisFile)")
            }
            if method == .iti, info.site != .headsConcat {
                throw invalid(VectorFileKey.site, "'\(info.site.rawValue)'", "heads_concat for veer.method 'iti' (ITI adds to attention heads)")
            }
        }
        if operation == .rotate, info.site != .residPost {
            throw invalid(VectorFileKey.site, "'\(info.site.rawValue)'", "resid_post \(inThisFile) (rotations act on the block output)")
        }
        try checkGate(invalid: invalid)
        if let count = info.selectedUnitCount {
            guard operation == .scaleUnits else { throw invalid(VectorFileKey.selectedUnitCount, "\(count)", "absent \(inThisFile)") }
            let nonZero = directions.values.reduce(0) { total, b in total + b.lazy.filter { $0 != 0 }.count }
            guard count >= nonZero, count <= Int(UInt32.max) else {
                throw invalid(VectorFileKey.selectedUnitCount, "\(count)",
                              "a uint32 of at least the \(nonZero) non-zero units the file holds (the top-k keeps at most k)")
            }
        }
        if operation == .rotate {
            for block in blocks {
                let norm = Self.norm(directions[block]!)
                guard abs(norm - 1) <= 1e-3 else {
                    throw SteeringVectorError(file: file, .notUnitNorm(tensor: VectorTensorName.name(forBlock: block, operation: .rotate), norm: norm))
                }
            }
        }
    }

    /// A `rotate` file has `veer.spherical.gated`; gated, it has a finite kappa and a beta in [-1, 1); ungated, neither
    /// (t is `veer.strength`). Other files have none of the three.
    private func checkGate(invalid: (String, String, String) -> SteeringVectorError) throws {
        let gated = VectorFileKey.sphericalGated, kappaKey = VectorFileKey.sphericalKappa, betaKey = VectorFileKey.sphericalBeta
        guard info.operation == .rotate else {
            guard let gate = info.sphericalGate else { return }
            let (key, value) = gate.kappa.map { (kappaKey, "\($0)") } ?? gate.beta.map { (betaKey, "\($0)") } ?? (gated, "\(gate.gated)")
            throw invalid(key, value, "absent in a file whose veer.operation is '\(info.operation.rawValue)' (only rotate files have a gate)")
        }
        guard let gate = info.sphericalGate else { throw invalid(gated, "absent", "a bool in a file whose veer.operation is 'rotate'") }
        if gate.gated {
            guard let kappa = gate.kappa else { throw invalid(kappaKey, "absent", "a finite float32 when \(gated) is true") }
            guard kappa.isFinite else { throw invalid(kappaKey, "\(kappa)", "a finite float32") }
            guard let beta = gate.beta else { throw invalid(betaKey, "absent", "a float32 in [-1, 1) when \(gated) is true") }
            guard beta >= -1, beta < 1 else { throw invalid(betaKey, "\(beta)", "a float32 in [-1, 1)") }
        } else {
            let ungated = "absent when \(gated) is false (an ungated rotation turns by t = veer.strength everywhere)"
            if let kappa = gate.kappa { throw invalid(kappaKey, "\(kappa)", ungated) }
            if let beta = gate.beta { throw invalid(betaKey, "\(beta)", ungated) }
        }
    }
}

extension SteeringMethod {
    /// The file operation that carries the method: additive and ITI add, Spherical rotates, AUSteer scales units.
    public var operation: SteeringOperation {
        switch self {
        case .additive, .iti: .add
        case .spherical: .rotate
        case .austeer: .scaleUnits
        }
    }
}
