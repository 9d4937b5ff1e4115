import Foundation
import GGUF

extension SteeringVector {
    /// Writes the vector as a GGUF control-vector file and returns warnings (empty when llama.cpp can apply the file
    /// exactly as Veer would). An additive vector at `resid_post` without a block-0 direction holds exactly the
    /// tensors llama.cpp accepts: `direction.N`, 1 <= N, F32 [width]; everything Veer adds is metadata. The file is
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
        // llama.cpp adds every direction.N at its block output (resid_post): directions meant for any other site
        // get Veer-only names so llama.cpp refuses the file instead of steering the wrong place.
        let llamaCppReadable = info.operation == .add && info.site == .residPost
        if !llamaCppReadable {
            warnings.append("directions for site \(info.site.rawValue) are stored as veer.direction.N:"
                + " llama.cpp will refuse this file (it can only add at the block output, resid_post)")
        } else if directions[0] != nil {
            warnings.append("block 0 has a direction, stored as veer.direction.0: llama.cpp will refuse this file"
                + " (it never steers block 0)")
        }

        var writer = GGUFWriter()
        writer.set(VectorFileKey.architecture, .string(VectorFileKey.architectureValue))
        writer.set(VectorFileKey.modelHint, .string(info.modelHint ?? "unknown"))
        // llama.cpp's generator writes n_layer - 1, the highest block it steers; Veer writes its highest block.
        writer.set(VectorFileKey.layerCount, .int32(Int32(blocks.last!)))
        writer.set(VectorFileKey.formatVersion, .uint32(VectorFileKey.currentFormatVersion))
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
        for block in blocks {
            let name = VectorTensorName.name(forBlock: block, llamaCppReadable: llamaCppReadable)
            try writer.addTensor(name: name, shape: [width], values: directions[block]!)
        }
        return (writer, warnings)
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
    }
}
