import Foundation
import Steering

/// The JSON side of `veer vector convert`: a spec to the vector file that steers the same way, and a vector file or
/// spec to spec text, all against one model (widths, head layout, fingerprint).
struct SpecConversion {
    let model: ModelIdentity

    /// The entries of the spec at `path`.
    func specEntries(_ path: String) throws -> [SteeringEntry] {
        try SteeringSpec(path: path, model: model).steeringEntries
    }

    /// The entry of the vector file at `path`, checked against the model (warnings on stderr).
    func vectorEntry(_ path: String) throws -> SteeringEntry {
        let vector = try SteeringVector.load(path: path)
        for warning in try vector.check(against: model, strict: false) { Console.note("warning: \(warning)") }
        return try SteeringEntry(vector: vector)
    }

    /// Writes the spec text of `entries` to `path` (replaced if it exists).
    func writeSpec(of entries: [SteeringEntry], source: String, to path: String) throws {
        let text = try SteeringSpec.json(for: entries, model: model, source: "veer vector convert \(source)")
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw InvalidInput("--out \(path): cannot write the file (\((error as NSError).localizedDescription))")
        }
    }

    /// The vector file of the spec at `path`, bound to the model: one file holds one method at one strength, site
    /// and set of positions (`SteeringVector(entries:name:model:)` says which entries break that). AUSteer's `k` is
    /// kept when every entry gives the same.
    func vector(ofSpec path: String, name: String) throws -> SteeringVector {
        let spec = try SteeringSpec(path: path, model: model)
        var vector = try SteeringVector(entries: spec.steeringEntries, name: name, model: model)
        vector.info.fingerprint = model.fingerprint
        vector.info.modelHint = model.architecture
        let counts = Set(spec.entries.map(\.selectedUnitCount))
        if counts.count == 1, let k = counts.first! { vector.info.selectedUnitCount = k }
        return vector
    }

    /// Writes `vector` to `path` and reads it back: a file that would steer differently from the vector (a key the
    /// writer does not store) is removed and reported, never left behind.
    func write(_ vector: SteeringVector, to path: String) throws {
        for warning in try vector.write(to: path) { Console.note("warning: \(warning)") }
        let written = try SteeringEntry(vector: try SteeringVector.load(path: path))
        let expected = try SteeringEntry(vector: vector)
        guard written.method == expected.method, written.strength == expected.strength,
              written.positions == expected.positions, written.interventions == expected.interventions else {
            try? FileManager.default.removeItem(atPath: path)
            throw InvalidInput("--out \(path): the written file reads back as \(written.method.rawValue) at strength \(written.strength)"
                               + " on positions \(written.positions?.description ?? "unstated") instead of \(expected.method.rawValue) at"
                               + " strength \(expected.strength) on positions \(expected.positions?.description ?? "unstated")"
                               + (written.interventions == expected.interventions ? "" : " with other interventions")
                               + ": this build's vector writer cannot store the spec; nothing was written")
        }
        Console.output(path)
    }
}
