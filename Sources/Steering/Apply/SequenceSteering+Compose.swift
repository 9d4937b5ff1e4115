extension SequenceSteering {
    /// Composes entries (vector files at their strengths, JSON spec entries) into one sequence's steering, in data-flow
    /// order: blocks in order and, within a block, `heads_concat`, then `mlp_out` (unit scaling of the delta, then its
    /// add), then `resid_post` (add, unit scaling, rotation), which is the order the kernels apply a `SiteEdit` in, so
    /// the order of the entries only changes floating-point sums.
    ///
    /// - `layers` (`--layers`) keeps only the interventions on the blocks it selects.
    /// - `positions` (`--positions`) overrides the entries' own; otherwise every entry that states positions must
    ///   state the same ones (one sequence has one row mapping per pass), and entries that state none follow them.
    ///   Nothing stated means `.all`.
    /// - Adds at one site sum. Unit scalings of different units merge; two scalings of the same unit, or two rotations
    ///   of one block, are an error naming both entries.
    public static func compose(_ entries: [SteeringEntry], layers: LayerSelection? = nil, positions: PositionPolicy? = nil,
                               span: SequenceSpan) throws -> SequenceSteering {
        var edits: [SiteKey: SiteEdit] = [:]
        var rotatedBy: [Int: String] = [:]
        var scaledBy: [SiteKey: [UInt32: String]] = [:]
        for entry in entries {
            for intervention in entry.applied where layers?.contains(intervention.block) ?? true && intervention.isEffective {
                let key = SiteKey(block: intervention.block, site: intervention.site)
                var edit = edits[key] ?? SiteEdit()
                switch intervention {
                case .add(_, _, let vector):
                    if var sum = edit.add {
                        guard sum.count == vector.count else {
                            throw SteeringError.mismatch("\(entry.name): the \(key.site.rawValue) vector of block \(key.block) has width \(vector.count), other entries \(sum.count)")
                        }
                        for i in sum.indices { sum[i] += vector[i] }
                        edit.add = sum
                    } else {
                        edit.add = vector
                    }
                case .scaleUnits(_, _, let units, let alpha):
                    var owners = scaledBy[key] ?? [:]
                    for unit in units {
                        if let other = owners[unit.index] {
                            throw SteeringError.badArgument("\(entry.name) and \(other) both scale unit \(unit.index) of \(key.site.rawValue) at block \(key.block); a unit can be scaled once")
                        }
                        owners[unit.index] = entry.name
                    }
                    scaledBy[key] = owners
                    edit.merge(units: units, alpha: alpha)
                case .rotate(_, let rotation):
                    if let other = rotatedBy[key.block] {
                        throw SteeringError.badArgument("\(entry.name) and \(other) both rotate resid_post of block \(key.block); a block takes one Spherical rotation")
                    }
                    if let problem = rotation.problem() {
                        throw SteeringError.badArgument("\(entry.name): Spherical rotation at block \(key.block): \(problem)")
                    }
                    rotatedBy[key.block] = entry.name
                    edit.rotation = rotation
                }
                edits[key] = edit
            }
        }
        return SequenceSteering(edits: edits, positions: try positions ?? agreedPositions(entries), span: span)
    }

    /// The positions every entry that states some agrees on (`.all` when none does).
    static func agreedPositions(_ entries: [SteeringEntry]) throws -> PositionPolicy {
        var agreed: (policy: PositionPolicy, entry: String)?
        for entry in entries {
            guard let policy = entry.positions else { continue }
            if let agreed, agreed.policy != policy {
                throw SteeringError.badArgument("\(agreed.entry) steers positions \(agreed.policy) but \(entry.name) steers \(policy); one sequence steers one set of positions: give --positions to choose, or make the entries agree")
            }
            agreed = agreed ?? (policy, entry.name)
        }
        return agreed?.policy ?? .all
    }
}

extension SiteEdit {
    /// Adds units scaled by `alpha`. Units of one strength keep it as `unitAlpha` (the kernel then computes
    /// 1 + alpha·b exactly as the spec writes it); units of different strengths fold each alpha into its coefficients.
    mutating func merge(units new: [Intervention.Unit], alpha: Float) {
        let pairs = new.map { (index: $0.index, coefficient: $0.coefficient) }
        if units.isEmpty || unitAlpha == alpha {
            units += pairs
            unitAlpha = alpha
        } else {
            units = units.map { ($0.index, $0.coefficient * unitAlpha) } + pairs.map { ($0.index, $0.coefficient * alpha) }
            unitAlpha = 1
        }
    }
}
