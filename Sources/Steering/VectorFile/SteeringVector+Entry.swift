import Llama

extension SteeringEntry {
    /// What `--steer FILE[:S]` applies: the file's interventions at `veer.strength` (1 when absent) times `strength`.
    /// `add` files add at their site, `rotate` files rotate toward `veer.mu.N` with the file's gate, `scale_units`
    /// files scale the units whose coefficient is not 0. A `rotate` file without its gate keys is an error naming
    /// the key.
    public init(vector: SteeringVector, strength: Float = 1) throws {
        let info = vector.info
        func fail(_ key: String, _ expected: String) -> SteeringVectorError {
            SteeringVectorError(file: vector.name, .invalidValue(key: key, value: "absent", expected: expected))
        }
        var interventions: [Intervention] = []
        switch info.operation {
        case .add:
            let site = try EditSite(hookSite: info.site)
            interventions = vector.blocks.map { .add(block: $0, site: site, vector: vector.directions[$0]!) }
        case .scaleUnits:
            let site = try EditSite(hookSite: info.site)
            for block in vector.blocks {
                let units = vector.directions[block]!.enumerated().compactMap { i, b in
                    b == 0 ? nil : Intervention.Unit(index: UInt32(i), coefficient: b)
                }
                interventions.append(.scaleUnits(block: block, site: site, units: units, alpha: 1))
            }
        case .rotate:
            guard info.site == .residPost else {
                throw SteeringVectorError(file: vector.name, .invalidValue(key: "veer.site", value: info.site.rawValue, expected: "resid_post for the rotate operation"))
            }
            guard let gate = info.sphericalGate else { throw fail("veer.spherical.gated", "a bool in a rotate file") }
            for block in vector.blocks {
                let mu = vector.directions[block]!
                if gate.gated {
                    guard let kappa = gate.kappa else { throw fail("veer.spherical.kappa", "a float32 in a gated rotate file") }
                    guard let beta = gate.beta else { throw fail("veer.spherical.beta", "a float32 in a gated rotate file") }
                    interventions.append(.rotate(block: block, rotation: SphericalRotation(mu: mu, kappa: kappa, alpha: 1, beta: beta)))
                } else {
                    interventions.append(.rotate(block: block, rotation: .ungated(mu: mu, t: 1)))
                }
            }
        }
        self.init(name: vector.name, method: info.effectiveMethod, positions: info.steeredPositions,
                  strength: (info.strength ?? 1) * strength, interventions: interventions)
    }
}

extension SteeringVector {
    /// The vector file of `entries` (a JSON spec, `veer vector convert`): one method, one kind of intervention at one
    /// site, one intervention per block, one strength, positions and (for rotations) gate. What a single file cannot
    /// hold is an error naming the entries. `model` gives the width of a site, which a dense `veer.units.N` needs.
    public init(entries: [SteeringEntry], name: String, model: ModelIdentity) throws {
        guard let first = entries.first else { throw SteeringError.badArgument("\(name): no entries to write") }
        func fail(_ message: String) -> SteeringError { .badArgument("\(name): \(message); write separate files") }
        var directions: [Int: [Float]] = [:]
        var operation: SteeringOperation?
        var site: EditSite?
        var gate: SphericalGate?
        for entry in entries {
            guard entry.method == first.method else { throw fail("\(first.name) is \(first.method.rawValue) but \(entry.name) is \(entry.method.rawValue)") }
            guard entry.strength == first.strength else { throw fail("\(first.name) has strength \(first.strength) but \(entry.name) \(entry.strength)") }
            guard entry.positions == first.positions else { throw fail("\(first.name) and \(entry.name) steer different positions") }
            for intervention in entry.interventions {
                let (op, values, entryGate): (SteeringOperation, [Float], SphericalGate?)
                switch intervention {
                case .add(_, _, let vector): (op, values, entryGate) = (.add, vector, nil)
                case .scaleUnits(let block, _, let units, let alpha):
                    guard alpha == 1 else { throw fail("\(entry.name) scales block \(block) with its own alpha \(alpha)") }
                    let width = model.width(of: intervention.site)
                    if let outside = units.first(where: { Int($0.index) >= width }) {
                        throw fail("\(entry.name) scales unit \(outside.index) of \(intervention.site.rawValue), which is \(width) wide in \(model.name)")
                    }
                    var dense = [Float](repeating: 0, count: width)
                    for unit in units { dense[Int(unit.index)] = unit.coefficient }
                    (op, values, entryGate) = (.scaleUnits, dense, nil)
                case .rotate(_, let rotation):
                    (op, values, entryGate) = (.rotate, rotation.mu,
                                               rotation.isGated ? .gated(kappa: rotation.kappa, beta: rotation.beta) : .ungated)
                    guard rotation.alpha == (rotation.isGated ? 1 : 2) else {
                        throw fail("\(entry.name) rotates block \(intervention.block) with its own alpha \(rotation.alpha)")
                    }
                }
                guard operation == nil || operation == op else { throw fail("\(entry.name) mixes operations \(operation!.rawValue) and \(op.rawValue)") }
                guard site == nil || site == intervention.site else { throw fail("\(entry.name) edits \(intervention.site.rawValue) but another entry \(site!.rawValue)") }
                guard gate == nil || gate == entryGate else { throw fail("\(entry.name) has other gate parameters than \(first.name)") }
                guard directions[intervention.block] == nil else { throw fail("block \(intervention.block) is edited twice") }
                operation = op; site = intervention.site; gate = entryGate
                directions[intervention.block] = values
            }
        }
        guard let operation, let site else { throw fail("the entries change nothing") }
        let info = VectorInfo(operation: operation, site: HookSite(rawValue: site.rawValue)!, steeringMethod: first.method,
                              steeredPositions: first.positions, strength: first.strength, sphericalGate: gate)
        try self.init(directions: directions, info: info, name: name)
    }
}
