import Foundation
import Steering

extension VectorRegistry {
    /// The parts of request item `index`: a registered vector's entries at the item's strength, on the blocks its
    /// `layers` keep, at its `positions`; or the entries of an inline spec. Each problem names its field.
    func parts(of item: SteeringItem, at index: Int) throws(SteeringRequestError) -> [SteeringPart] {
        let field = "steering[\(index)]"
        switch item {
        case .vector(let name, let strength, let layers, let positions):
            guard let source = sources[name] else {
                let known = vectors.isEmpty ? "no vectors are registered (the server's --vectors DIR)"
                    : "registered: \(vectors.map(\.name).joined(separator: ", "))"
                throw SteeringRequestError(field: "\(field).vector", message: "no vector named '\(name)'; \(known)")
            }
            let strength = strength ?? 1
            guard strength.isFinite else {
                throw SteeringRequestError(field: "\(field).strength", message: "\(strength) is not a finite number")
            }
            let selection = try layers.map { text throws(SteeringRequestError) in try layerSelection(text, field: "\(field).layers") }
            let policy = try positions.map { text throws(SteeringRequestError) in try positionPolicy(text, field: "\(field).positions") }
            return try source.entries.enumerated().map { k, entry throws(SteeringRequestError) in
                var steered = entry.scaled(by: strength)
                steered.name = source.entries.count == 1 ? "\(field) (\(name))" : "\(field) (\(name) entry \(k))"
                if let selection { steered.interventions = steered.interventions.filter { selection.contains($0.block) } }
                if let policy { steered.positions = policy }
                let part = SteeringPart(name: name, entry: steered)
                if let overflow = part.overflow {
                    throw SteeringRequestError(field: "\(field).strength",
                                               message: "strength \(strength) times the vector's own \(entry.strength) is too large: \(overflow)")
                }
                return part
            }
        case .spec(let json):
            let spec: SteeringSpec
            do { spec = try SteeringSpec(data: json, file: "\(field).spec", model: model) } catch {
                throw SteeringRequestError(field: "\(field).spec", message: "\(error)")
            }
            return try spec.steeringEntries.map { entry throws(SteeringRequestError) in
                let part = SteeringPart(name: "spec", entry: entry)
                if let overflow = part.overflow {
                    throw SteeringRequestError(field: "\(field).spec", message: "\(entry.name): \(overflow)")
                }
                return part
            }
        }
    }

    /// `layers` of a request: a range A-B (which may end at the block count, as llama.cpp's) or a list, within the
    /// model's blocks.
    private func layerSelection(_ text: String, field: String) throws(SteeringRequestError) -> LayerSelection {
        let selection: LayerSelection
        do { selection = try LayerSelection(parsing: text) } catch {
            throw SteeringRequestError(field: field, message: "'\(text)' is not a block selection: expected an inclusive range A-B (e.g. 5-15) or a list of blocks (e.g. 3,7,9), block indices >= 0")
        }
        do { try selection.validate(blockCount: model.blockCount) } catch {
            throw SteeringRequestError(field: field, message: "'\(text)' selects blocks the model lacks: it has blocks 0...\(model.blockCount - 1) (a range may end at \(model.blockCount))")
        }
        return selection
    }

    /// `positions` of a request, in `--positions`' forms.
    private func positionPolicy(_ text: String, field: String) throws(SteeringRequestError) -> PositionPolicy {
        do { return try PositionPolicy(parsing: text) } catch {
            throw SteeringRequestError(field: field, message: "'\(text)' is not a position policy: expected \(PositionPolicy.forms)")
        }
    }
}
