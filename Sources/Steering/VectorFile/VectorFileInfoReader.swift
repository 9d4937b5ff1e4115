import GGUF
import Llama

/// Reads and checks the metadata of a vector file. Optional keys of the wrong type or with a meaningless value are
/// errors: a file that states something Veer cannot understand must not be applied as if it had not said it.
struct VectorFileInfoReader {
    let file: GGUFFile
    var metadata: GGUFMetadata { file.metadata }

    func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: file.name, kind) }

    /// The file's info and its `veer.format_version` (nil for llama.cpp and repeng files).
    func read() throws -> (VectorInfo, UInt32?) {
        guard let architecture = metadata[VectorFileKey.architecture] else { throw fail(.notAControlVector(architecture: nil)) }
        guard architecture.stringValue == VectorFileKey.architectureValue else {
            throw fail(.notAControlVector(architecture: architecture.stringValue ?? architecture.description))
        }
        let version = try formatVersion()
        var info = VectorInfo(sourceFormat: version == nil ? otherToolFormat() : .veer)
        // model_hint is only a hint (llama.cpp ignores it): a non-string value is dropped, not an error.
        info.modelHint = metadata[VectorFileKey.modelHint]?.stringValue
        if let operation = try metadata.ifPresent(VectorFileKey.operation, metadata.string) {
            guard let known = SteeringOperation(rawValue: operation) else { throw fail(.unsupportedOperation(operation)) }
            info.operation = known
        }
        if let site = try metadata.ifPresent(VectorFileKey.site, metadata.string) {
            guard let known = HookSite(rawValue: site) else {
                let sites = HookSite.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(.invalidValue(key: VectorFileKey.site, value: "'\(site)'", expected: "one of \(sites)"))
            }
            info.site = known
        }
        info.method = try metadata.ifPresent(VectorFileKey.method, metadata.string)
        info.positions = try metadata.ifPresent(VectorFileKey.positions, metadata.string)
        info.bos = try metadata.ifPresent(VectorFileKey.bos, metadata.string)
        info.chatTemplate = try metadata.ifPresent(VectorFileKey.chatTemplate, metadata.string)
        info.layerNorms = try layerNorms()
        info.fingerprint = try fingerprint()
        info.strengthRange = try strengthRange()
        if let origin = try metadata.ifPresent(VectorFileKey.convertedFrom, metadata.string) {
            guard let known = VectorSourceFormat(rawValue: origin) else {
                let formats = VectorSourceFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(.invalidValue(key: VectorFileKey.convertedFrom, value: "'\(origin)'", expected: "one of \(formats)"))
            }
            info.convertedFrom = known
        }
        try readMethodKeys(into: &info)
        return (info, version)
    }

    /// `veer.format_version`, nil when absent; a version this Veer cannot read is an error.
    private func formatVersion() throws -> UInt32? {
        guard metadata.contains(VectorFileKey.formatVersion) else { return nil }
        let version = try metadata.uint32(VectorFileKey.formatVersion)
        guard VectorFileKey.readableFormatVersions.contains(version) else { throw fail(.unsupportedFormatVersion(version)) }
        return version
    }

    /// A file without `veer.format_version`: repeng writes the number of directions as uint32; llama.cpp writes
    /// n_layer - 1 as int32.
    private func otherToolFormat() -> VectorSourceFormat {
        metadata[VectorFileKey.layerCount]?.type == .uint32 ? .repeng : .llamaCpp
    }

    /// The format-2 keys, each of the one type it may have; whether they fit the operation is `checkLayout`'s job.
    private func readMethodKeys(into info: inout VectorInfo) throws {
        if let method = try value(VectorFileKey.steeringMethod, "a string", \.stringValue) {
            guard let known = SteeringMethod(rawValue: method) else {
                let methods = SteeringMethod.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(.invalidValue(key: VectorFileKey.steeringMethod, value: "'\(method)'", expected: "one of \(methods)"))
            }
            info.steeringMethod = known
        }
        if let positions = try value(VectorFileKey.steeredPositions, "a string", \.stringValue) {
            guard let policy = try? PositionPolicy(parsing: positions) else {
                throw fail(.invalidValue(key: VectorFileKey.steeredPositions, value: "'\(positions)'",
                                         expected: "a position policy as --positions takes it (all, prompt, generated, last,"
                                             + " from:K, from:prompt-end, from:answer-start or a list such as 3,5,9)"))
            }
            info.steeredPositions = policy
        }
        info.strength = try value(VectorFileKey.strength, "a float32", \.float32Value)
        let gated = try value(VectorFileKey.sphericalGated, "a bool", \.boolValue)
        let kappa = try value(VectorFileKey.sphericalKappa, "a float32", \.float32Value)
        let beta = try value(VectorFileKey.sphericalBeta, "a float32", \.float32Value)
        if gated != nil || kappa != nil || beta != nil {
            // A rotate file's kappa without its gated flag is a missing flag; elsewhere the gate keys themselves are
            // what does not belong (checkLayout names them).
            if gated == nil, info.operation == .rotate {
                let present = kappa != nil ? VectorFileKey.sphericalKappa : VectorFileKey.sphericalBeta
                throw fail(.invalidValue(key: VectorFileKey.sphericalGated, value: "absent",
                                         expected: "a bool wherever \(present) is present"))
            }
            info.sphericalGate = SphericalGate(gated: gated ?? false, kappa: kappa, beta: beta)
        }
        info.selectedUnitCount = try value(VectorFileKey.selectedUnitCount, "a uint32", \.uint32Value).map(Int.init)
    }

    /// The value of `key` as `extract` reads it, nil when absent; a value of another type is an error naming the
    /// key, the value found and `expected`.
    private func value<T>(_ key: String, _ expected: String, _ extract: (GGUFValue) -> T?) throws -> T? {
        guard let found = metadata[key] else { return nil }
        guard let typed = extract(found) else {
            throw fail(.invalidValue(key: key, value: "\(found.typeDescription) \(found)", expected: expected))
        }
        return typed
    }

    private func layerNorms() throws -> [Int: Float] {
        let blocks = try metadata.ifPresent(VectorFileKey.layers, metadata.int32Array)
        let norms = try metadata.ifPresent(VectorFileKey.layerNorms, metadata.float32Array)
        switch (blocks, norms) {
        case (nil, nil):
            return [:]
        case let (blocks?, norms?):
            guard blocks.count == norms.count else {
                throw fail(.invalidValue(key: VectorFileKey.layerNorms, value: "\(norms.count) values",
                                         expected: "one per entry of \(VectorFileKey.layers) (\(blocks.count))"))
            }
            var result: [Int: Float] = [:]
            for (block, norm) in zip(blocks, norms) {
                guard block >= 0, result[Int(block)] == nil else {
                    throw fail(.invalidValue(key: VectorFileKey.layers, value: "block \(block)",
                                             expected: "distinct block indices >= 0"))
                }
                guard norm.isFinite, norm >= 0 else {
                    throw fail(.invalidValue(key: VectorFileKey.layerNorms, value: "\(norm) for block \(block)",
                                             expected: "a finite norm >= 0"))
                }
                result[Int(block)] = norm
            }
            return result
        case (nil, _?):
            throw fail(.invalidValue(key: VectorFileKey.layers, value: "missing", expected: "present with \(VectorFileKey.layerNorms)"))
        case (_?, nil):
            throw fail(.invalidValue(key: VectorFileKey.layerNorms, value: "missing", expected: "present with \(VectorFileKey.layers)"))
        }
    }

    private func fingerprint() throws -> String? {
        guard let value = try metadata.ifPresent(VectorFileKey.fingerprint, metadata.string) else { return nil }
        guard ModelFingerprint.isWellFormed(value) else {
            throw fail(.invalidValue(key: VectorFileKey.fingerprint, value: "'\(value)'", expected: "64 lowercase hex digits"))
        }
        return value
    }

    private func strengthRange() throws -> ClosedRange<Float>? {
        guard let values = try metadata.ifPresent(VectorFileKey.strengthRange, metadata.float32Array) else { return nil }
        guard values.count == 2, values.allSatisfy(\.isFinite), values[0] <= values[1] else {
            throw fail(.invalidValue(key: VectorFileKey.strengthRange, value: "\(values)",
                                     expected: "two finite float32 values [lowest, highest]"))
        }
        return values[0]...values[1]
    }
}
