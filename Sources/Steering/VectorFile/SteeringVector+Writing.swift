import Foundation
import GGUF

extension SteeringVector {
    /// Writes the vector as a GGUF control-vector file and returns warnings (empty when llama.cpp can apply the file
    /// exactly as Veer would). An additive vector at `resid_post`, at strength 1 on every position, without a block-0
    /// direction holds exactly the tensors llama.cpp accepts: `direction.N`, 1 <= N, F32 [width]; everything Veer
    /// adds is metadata. The format version is 1 unless the vector holds version-2 content (`formatVersion`). The file is
    /// written to a temporary name and renamed, so a failed write never leaves a half-written vector behind.
    @discardableResult
    public func write(to path: String) throws -> [String] {
        let (writer, warnings) = try fileImage(for: path)
        do {
            let image = try writer.serialize()
            try Data(image).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch let error as GGUFError {
            throw SteeringVectorError(file: path, .cannotWrite(reason: error.kind.description))
        } catch {
            throw SteeringVectorError(file: path, .cannotWrite(reason: error.localizedDescription))
        }
        return warnings.map { "\(path): \($0)" }
    }

    /// The GGUF writer holding the whole file, and the warnings about it.
    func fileImage(for path: String) throws -> (GGUFWriter, [String]) {
        try checkInfoIsWritable(path: path)
        var warnings: [String] = []
        // llama.cpp adds every direction.N at its block output (resid_post), at the strength its user gives, at
        // every position: data it would apply otherwise than Veer gets Veer-only names, so llama.cpp refuses the file
        // instead of steering the wrong place or by the wrong amount.
        if let reason = llamaCppRefusalReason {
            warnings.append("\(reason): llama.cpp will refuse this file")
        }
        let llamaCppReadable = addsLikeLlamaCpp

        var writer = GGUFWriter()
        writer.set(VectorFileKey.architecture, .string(VectorFileKey.architectureValue))
        writer.set(VectorFileKey.modelHint, .string(info.modelHint ?? "unknown"))
        // llama.cpp's generator writes n_layer - 1, the highest block it steers; Veer writes its highest block.
        writer.set(VectorFileKey.layerCount, .int32(Int32(blocks.last!)))
        writer.set(VectorFileKey.formatVersion, .uint32(formatVersion))
        writer.set(VectorFileKey.operation, .string(info.operation.rawValue))
        writer.set(VectorFileKey.site, .string(info.site.rawValue))
        let optionalStrings: [(String, String?)] = [
            (VectorFileKey.method, info.method), (VectorFileKey.positions, info.positions), (VectorFileKey.bos, info.bos),
            (VectorFileKey.chatTemplate, info.chatTemplate), (VectorFileKey.fingerprint, info.fingerprint),
            (VectorFileKey.convertedFrom, (info.sourceFormat == .veer ? info.convertedFrom : info.sourceFormat)?.rawValue),
        ]
        for case let (key, value?) in optionalStrings { writer.set(key, .string(value)) }
        if !info.layerNorms.isEmpty {
            let normBlocks = info.layerNorms.keys.sorted()
            writer.set(VectorFileKey.layers, .array(.int32(normBlocks.map { Int32($0) })))
            writer.set(VectorFileKey.layerNorms, .array(.float32(normBlocks.map { info.layerNorms[$0]! })))
        }
        if let range = info.strengthRange {
            writer.set(VectorFileKey.strengthRange, .array(.float32([range.lowerBound, range.upperBound])))
        }
        setMethodKeys(in: &writer)
        for block in blocks {
            let name = VectorTensorName.name(forBlock: block, operation: info.operation, llamaCppReadable: llamaCppReadable)
            try writer.addTensor(name: name, shape: [width], values: directions[block]!)
        }
        return (writer, warnings)
    }

    /// Whether llama.cpp, reading `direction.N`, would apply the directions as Veer does: added at the block output,
    /// at every position, at the user's strength (block 0 aside, which it never steers).
    private var addsLikeLlamaCpp: Bool {
        info.operation == .add && info.site == .residPost && (info.strength ?? 1) == 1
            && (info.steeredPositions ?? .all) == .all
    }

    /// Why llama.cpp must not read this file, or nil when it applies the file exactly as Veer does.
    private var llamaCppRefusalReason: String? {
        if info.operation != .add {
            return "operation \(info.operation.rawValue) is stored as \(VectorTensorName.pattern(of: info.operation))"
                + " (llama.cpp can only add)"
        }
        let veerOnly = "directions are stored as veer.direction.N"
        if info.site != .residPost {
            return "directions for site \(info.site.rawValue) are stored as veer.direction.N"
                + " (llama.cpp can only add at the block output, resid_post)"
        }
        if let strength = info.strength, strength != 1 {
            return "\(veerOnly): \(VectorFileKey.strength) is \(strength), which llama.cpp would not apply"
        }
        if let positions = info.steeredPositions, positions != .all {
            return "\(veerOnly): \(VectorFileKey.steeredPositions) is \(positions), and llama.cpp steers every position"
        }
        if directions[0] != nil {
            return "block 0 has a direction, stored as veer.direction.0 (llama.cpp never steers block 0)"
        }
        return nil
    }

    /// The format-2 keys the vector has (none for a plain additive vector, which stays a version-1 file).
    private func setMethodKeys(in writer: inout GGUFWriter) {
        if let method = info.steeringMethod { writer.set(VectorFileKey.steeringMethod, .string(method.rawValue)) }
        if let positions = info.steeredPositions { writer.set(VectorFileKey.steeredPositions, .string(positions.description)) }
        if let strength = info.strength, strength != 1 { writer.set(VectorFileKey.strength, .float32(strength)) }
        if let gate = info.sphericalGate {
            writer.set(VectorFileKey.sphericalGated, .bool(gate.gated))
            if let kappa = gate.kappa { writer.set(VectorFileKey.sphericalKappa, .float32(kappa)) }
            if let beta = gate.beta { writer.set(VectorFileKey.sphericalBeta, .float32(beta)) }
        }
        if let count = info.selectedUnitCount { writer.set(VectorFileKey.selectedUnitCount, .uint32(UInt32(count))) }
    }

    /// Refuses metadata the reader would reject, so Veer never writes a file it cannot read back.
    private func checkInfoIsWritable(path: String) throws {
        func invalid(_ key: String, _ value: String, _ expected: String) -> SteeringVectorError {
            SteeringVectorError(file: path, .invalidValue(key: key, value: value, expected: expected))
        }
        if let fingerprint = info.fingerprint, !ModelFingerprint.isWellFormed(fingerprint) {
            throw invalid(VectorFileKey.fingerprint, "'\(fingerprint)'", "64 lowercase hex digits")
        }
        if let range = info.strengthRange, !range.lowerBound.isFinite || !range.upperBound.isFinite {
            throw invalid(VectorFileKey.strengthRange, "\(range)", "finite bounds")
        }
        for (block, norm) in info.layerNorms where block < 0 || block > Int(Int32.max) || !norm.isFinite || norm < 0 {
            throw invalid(VectorFileKey.layerNorms, "\(norm) for block \(block)", "a finite norm >= 0 for a block >= 0")
        }
        guard blocks.last! <= Int(Int32.max) else {
            throw invalid(VectorFileKey.layerCount, "\(blocks.last!)", "a block index that fits in int32")
        }
        try checkLayout(file: path)
    }
}
