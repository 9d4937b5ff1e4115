import ArgumentParser
import Foundation
import Kernels
import Llama
import Steering

extension ExtractCommand.Task {
    /// Writes the extracted data as a vector file and reads it back: a file that would load with another operation,
    /// site, method, positions, strength or gate than the extraction chose (a writer that does not know those keys
    /// yet) is removed and refused, so no file is ever applied differently from what was extracted.
    func write<B: ComputeBackend>(_ extracted: ExtractedDirections, _ s: ModelSession<B>, selection: LayerSelection,
                                  template: String) throws -> ExtractCommand.Result {
        let c = command
        let directions = extracted.directions.filter { selection.contains($0.key) }
        guard !directions.isEmpty else {
            throw ValidationError("--layers \(selection) keeps none of the extracted blocks \(extracted.directions.keys.sorted())")
        }
        let identity = try ModelIdentity(file: s.file)
        let positionsRead: String
        switch c.method {
        case .cvectorMean: positionsRead = "all (pairs padded with the space token)"
        case .meanDiff: positionsRead = c.reduce ?? "last"
        case .caa: positionsRead = "the answer letter (last token)"
        default: positionsRead = "last"
        }
        let provenance = VectorInfo(
            method: extracted.method, positions: positionsRead,
            bos: s.addBOS ? "included" : "excluded", chatTemplate: template,
            layerNorms: extracted.meanResidualNorms.filter { directions[$0.key] != nil },
            fingerprint: identity.fingerprint, modelHint: identity.architecture,
            strengthRange: try c.parsedStrengthRange())
        let info = extracted.application.applied(to: provenance)
        let vector = try SteeringVector(directions: directions, info: info, name: c.out)
        let warnings = try vector.write(to: c.out)
        try checkRoundTrip(vector)
        for warning in warnings { Console.note("warning: \(warning)") }
        Console.note("wrote \(c.out): \(extracted.method), \(extracted.pairCount) \(extracted.inputKind), blocks \(vector.blocks.first!)...\(vector.blocks.last!)")
        let application = extracted.application
        return ExtractCommand.Result(
            out: c.out, method: extracted.method, pairs: extracted.pairCount, input_kind: extracted.inputKind,
            operation: application.operation.rawValue, site: application.site.rawValue,
            steering_method: application.method.rawValue, positions: application.positions?.description,
            strength: application.strength, blocks: vector.blocks,
            direction_norms: BlockValue.list(vector.directionNorms), mean_residual_norms: BlockValue.list(info.layerNorms),
            units: nil, heads: nil, warnings: warnings, run: s.manifest)
    }

    /// Loads the written file and compares how it applies with `vector`; on a difference the file is removed.
    func checkRoundTrip(_ vector: SteeringVector) throws {
        let path = command.out
        let loaded = try SteeringVector.load(path: path)
        let (a, b) = (vector.info, loaded.info)
        var lost: [String] = []
        if a.operation != b.operation { lost.append("operation \(a.operation.rawValue) (read back as \(b.operation.rawValue))") }
        if a.site != b.site { lost.append("site \(a.site.rawValue)") }
        if a.effectiveMethod != b.effectiveMethod { lost.append("method \(a.effectiveMethod.rawValue)") }
        if a.steeredPositions != b.steeredPositions { lost.append("positions \(a.steeredPositions?.description ?? "unstated")") }
        if (a.strength ?? 1) != (b.strength ?? 1) { lost.append("strength \(a.strength ?? 1)") }
        if a.sphericalGate != b.sphericalGate { lost.append("the spherical gate") }
        if loaded.directions != vector.directions { lost.append("the tensors") }
        guard lost.isEmpty else {
            try? FileManager.default.removeItem(atPath: path)
            throw ValidationError("\(path): this build's vector-file writer cannot store \(lost.joined(separator: ", ")) of a \(command.method.rawValue) result yet (docs/vector-format.md); no file written")
        }
    }
}
