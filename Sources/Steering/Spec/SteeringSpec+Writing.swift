extension SteeringSpec {
    /// The spec text of `entries` (`veer vector convert v.gguf --out v.json`): a list with one object per block for
    /// additive, Spherical and ITI entries and one per site for AUSteer, each at the entry's strength, so that reading
    /// it back gives the same interventions at the same strengths. `model` gives ITI's head layout. An ITI head's
    /// σ·θ is written as theta with sigma 1 (a file stores only the product). `source` fills each object's `source`.
    public static func json(for entries: [SteeringEntry], model: ModelIdentity, source: String) throws -> String {
        var objects: [[(String, SpecOutputValue)]] = []
        for entry in entries {
            var common: [(String, SpecOutputValue)] = []
            if let positions = entry.positions { common.append(("positions", .string(positions.description))) }
            common.append(("source", .string(source)))
            objects += try SpecEntryWriter(entry: entry, model: model).objects().map { [("method", .string(entry.method.rawValue))] + $0 + common }
        }
        guard !objects.isEmpty else { throw SteeringError.badArgument("\(source): no interventions to write") }
        // One key per line; the units and heads of a list one per line below their key.
        let written = objects.map { pairs in
            "  {\n" + pairs.map { "    \(jsonStringLiteral($0.0)): \($0.1.text(indent: "    "))" }.joined(separator: ",\n") + "\n  }"
        }
        return "[\n" + written.joined(separator: ",\n") + "\n]\n"
    }
}

/// The objects one entry is written as.
private struct SpecEntryWriter {
    let entry: SteeringEntry
    let model: ModelIdentity

    func fail(_ intervention: Intervention) -> SteeringError {
        .badArgument("\(entry.name): a \(entry.method.rawValue) entry cannot hold a \(Self.kind(intervention)) at \(intervention.site.rawValue) of block \(intervention.block)")
    }

    func objects() throws -> [[(String, SpecOutputValue)]] {
        switch entry.method {
        case .additive: return try entry.interventions.map(additive)
        case .spherical: return try entry.interventions.map(spherical)
        case .iti: return try entry.interventions.map(iti)
        case .austeer: return try austeer()
        }
    }

    private func additive(_ intervention: Intervention) throws -> [(String, SpecOutputValue)] {
        guard case .add(let block, let site, let vector) = intervention else { throw fail(intervention) }
        return [("site", .string(site.rawValue)), ("layer", .integer(block)), ("s", .number(entry.strength)), ("v", .numbers(vector))]
    }

    private func spherical(_ intervention: Intervention) throws -> [(String, SpecOutputValue)] {
        guard case .rotate(let block, let rotation) = intervention else { throw fail(intervention) }
        var object: [(String, SpecOutputValue)] = [("site", .string("resid_post")), ("layer", .integer(block)),
                                                   ("gated", .bool(rotation.isGated)), ("mu", .numbers(rotation.mu))]
        if let t = rotation.ungatedT {
            object.append(("alpha", .number(entry.strength * t)))
        } else {
            object += [("alpha", .number(entry.strength * rotation.alpha)), ("kappa", .number(rotation.kappa)), ("beta", .number(rotation.beta))]
        }
        return object
    }

    private func iti(_ intervention: Intervention) throws -> [(String, SpecOutputValue)] {
        guard case .add(let block, .headsConcat, let vector) = intervention else { throw fail(intervention) }
        let dimension = model.headDimension
        guard vector.count == model.headsWidth else {
            throw SteeringError.mismatch("\(entry.name): the heads_concat vector of block \(block) has width \(vector.count), but \(model.name) has \(model.headCount) heads of \(dimension)")
        }
        let heads: [[(String, SpecOutputValue)]] = (0..<model.headCount).compactMap { head in
            let slice = Array(vector[head * dimension..<(head + 1) * dimension])
            guard slice.contains(where: { $0 != 0 }) else { return nil }
            return [("head", .integer(head)), ("sigma", .number(1)), ("theta", .numbers(slice))]
        }
        return [("site", .string("heads_concat")), ("layer", .integer(block)), ("alpha", .number(entry.strength)),
                ("head_dim", .integer(dimension)), ("heads", .objects(heads))]
    }

    /// One object per site; units of interventions with their own alpha are folded to the entry's strength.
    private func austeer() throws -> [[(String, SpecOutputValue)]] {
        var units: [EditSite: [[(String, SpecOutputValue)]]] = [:]
        var order: [EditSite] = []
        for intervention in entry.interventions {
            guard case .scaleUnits(let block, let site, let scaled, let alpha) = intervention else { throw fail(intervention) }
            if units[site] == nil { order.append(site) }
            units[site, default: []] += scaled.map { unit in
                [("layer", .integer(block)), ("dim", .integer(Int(unit.index))), ("b", .number(unit.coefficient * alpha))]
            }
        }
        return order.map { site in
            [("site", .string(site.rawValue)), ("alpha", .number(entry.strength)), ("units", .objects(units[site]!)),
             ("k", .integer(units[site]!.count))]
        }
    }

    static func kind(_ intervention: Intervention) -> String {
        switch intervention {
        case .add: "vector add"
        case .scaleUnits: "unit scaling"
        case .rotate: "rotation"
        }
    }
}

/// A value of a written spec. Numbers are float32 values written as the shortest decimal of their float64 value,
/// which reads back to the same float32 exactly.
enum SpecOutputValue {
    case string(String)
    case integer(Int)
    case number(Float)
    case bool(Bool)
    case numbers([Float])
    case objects([[(String, SpecOutputValue)]])
    case object([(String, SpecOutputValue)])

    /// The JSON text; the objects of a list go on lines of their own, indented one step past `indent`.
    func text(indent: String) -> String {
        switch self {
        case .string(let value): jsonStringLiteral(value)
        case .integer(let value): "\(value)"
        case .number(let value): "\(Double(value))"
        case .bool(let value): "\(value)"
        case .numbers(let values): "[" + values.map { "\(Double($0))" }.joined(separator: ", ") + "]"
        case .objects(let list):
            list.isEmpty ? "[]"
                : "[\n" + list.map { indent + "  " + Self.object($0).text(indent: indent + "  ") }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let pairs):
            "{" + pairs.map { "\(jsonStringLiteral($0.0)): \($0.1.text(indent: indent))" }.joined(separator: ", ") + "}"
        }
    }
}
