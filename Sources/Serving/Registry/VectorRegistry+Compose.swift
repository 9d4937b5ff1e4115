import Steering

extension VectorRegistry {
    /// Composes `parts` into one sequence's steering (`SequenceSteering.compose`) and reports each as applied. Parts
    /// that change nothing (strength 0, layers that keep none of their blocks) are reported with no blocks and take
    /// no part in composition; the sequence is nil when nothing changes. Parts that state different positions, two
    /// rotations of one block or two scalings of one unit are an error for field `steering`.
    static func compose(_ parts: [SteeringPart], span: SequenceSpan) throws(SteeringRequestError) -> ResolvedSteering {
        let effective = parts.filter(\.isEffective)
        let positions = try agreedPositions(effective)
        let sequence: SequenceSteering
        do { sequence = try SequenceSteering.compose(effective.map(\.entry), positions: positions, span: span) } catch {
            throw SteeringRequestError(field: "steering", message: "\(error)")
        }
        let applied = parts.map { part in
            AppliedSteering(name: part.name, method: part.entry.method.rawValue, strength: part.entry.strength,
                            blocks: part.steeredBlocks,
                            positions: (part.isEffective ? positions : part.entry.positions ?? positions).description)
        }
        return ResolvedSteering(sequence: sequence.isEmpty ? nil : sequence, applied: applied)
    }

    /// The positions every part that states some agrees on (`.all` when none does): one sequence is steered at one
    /// set of positions.
    static func agreedPositions(_ parts: [SteeringPart]) throws(SteeringRequestError) -> PositionPolicy {
        var agreed: SteeringEntry?
        for part in parts {
            guard let policy = part.entry.positions else { continue }
            if let first = agreed, let firstPolicy = first.positions, firstPolicy != policy {
                throw SteeringRequestError(
                    field: "steering",
                    message: "\(first.name) steers positions \(firstPolicy) but \(part.entry.name) steers \(policy); one request is steered at one set of positions: give every entry the same \"positions\"")
            }
            agreed = agreed ?? part.entry
        }
        return agreed?.positions ?? .all
    }
}
