import GGUF
import Llama

extension SteeringVector {
    /// Reads a vector file written by Veer, llama.cpp (`cvector-generator`) or repeng. `controlvector.layer_count`
    /// and `controlvector.model_hint` are recorded but never trusted: the directions are what the tensors hold.
    public static func load(path: String) throws -> SteeringVector {
        try load(file: GGUFFile(path: path))
    }

    /// Reads an already opened vector file (the values are copied; the file may be closed afterwards).
    public static func load(file: GGUFFile) throws -> SteeringVector {
        let info = try VectorFileInfoReader(file: file).read()
        var directions: [Int: [Float]] = [:]
        var tensorNames: [Int: String] = [:]
        for tensor in file.tensors {
            let block = try directionBlock(of: tensor, in: file)
            if let first = tensorNames[block] {
                throw SteeringVectorError(file: file.name, .duplicateBlock(block: block, first: first, second: tensor.name))
            }
            directions[block] = readFloats(file.bytes(of: tensor))
            tensorNames[block] = tensor.name
        }
        let width = try validate(directions, name: file.name) { tensorNames[$0]! }
        return SteeringVector(checked: directions, width: width, info: info, name: file.name)
    }

    /// The block a tensor holds the direction of, after checking its name, type and shape the way llama.cpp does.
    private static func directionBlock(of tensor: GGUFTensorInfo, in file: GGUFFile) throws -> Int {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: file.name, kind) }
        let block: Int
        switch VectorTensorName(tensor.name) {
        case let .direction(n), let .veerDirection(n): block = n
        case .llamaCppBlockZero: throw fail(.llamaCppBlockZero)
        case .unknown: throw fail(.unknownTensor(name: tensor.name))
        }
        guard tensor.dtype == .f32 else { throw fail(.notF32(tensor: tensor.name, type: tensor.ggmlType.name)) }
        // ggml counts dimensions without trailing 1s (ggml_n_dims), so llama.cpp takes [width, 1] as 1-D; so does Veer.
        var shape = tensor.shape
        while shape.count > 1, shape.last == 1 { shape.removeLast() }
        guard shape.count == 1 else { throw fail(.notOneDimensional(tensor: tensor.name, shape: tensor.shape)) }
        return block
    }

    /// Little-endian f32 values; the bytes need not be aligned.
    private static func readFloats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        (0..<bytes.count / 4).map { i in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
    }
}

/// Reads and checks the metadata of a vector file. Optional keys of the wrong type or with a meaningless value are
/// errors: a file that states something Veer cannot understand must not be applied as if it had not said it.
private struct VectorFileInfoReader {
    let file: GGUFFile
    var metadata: GGUFMetadata { file.metadata }

    func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: file.name, kind) }

    func read() throws -> VectorInfo {
        guard let architecture = metadata[VectorFileKey.architecture] else { throw fail(.notAControlVector(architecture: nil)) }
        guard architecture.stringValue == VectorFileKey.architectureValue else {
            throw fail(.notAControlVector(architecture: architecture.stringValue ?? architecture.description))
        }
        var info = VectorInfo(sourceFormat: try sourceFormat())
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
        return info
    }

    private func sourceFormat() throws -> VectorSourceFormat {
        if metadata.contains(VectorFileKey.formatVersion) {
            let version = try metadata.uint32(VectorFileKey.formatVersion)
            guard version == VectorFileKey.currentFormatVersion else { throw fail(.unsupportedFormatVersion(version)) }
            return .veer
        }
        // repeng writes the number of directions as uint32; llama.cpp writes n_layer - 1 as int32.
        return metadata[VectorFileKey.layerCount]?.type == .uint32 ? .repeng : .llamaCpp
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
