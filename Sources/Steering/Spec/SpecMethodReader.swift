/// Reads one spec entry's method keys into interventions at unit strength and the method's strength, checking every
/// value against the model: sites the method can edit, blocks the model has, widths of its sites, its head layout.
struct SpecMethodReader {
    let object: SpecObject
    let model: ModelIdentity

    /// `x += s · v` at `site` of `layer`.
    func additive() throws -> (strength: Float, interventions: [Intervention]) {
        let site = try site(allowed: [.residPost, .mlpOut, .headsConcat], method: "additive")
        let layer = try layer("layer")
        let s = try object.float("s")
        let v = try object.floats("v", count: model.width(of: site), widthText(site))
        return (s, [.add(block: layer, site: site, vector: v)])
    }

    /// Spherical Steering at `resid_post` of `layer`: gated by (kappa, beta), or ungated with t = alpha.
    func spherical() throws -> (strength: Float, interventions: [Intervention]) {
        _ = try site(allowed: [.residPost], method: "spherical")
        let layer = try layer("layer")
        let gated = try object.bool("gated")
        let mu = try object.floats("mu", count: model.width, widthText(.residPost))
        let alpha = try object.float("alpha")
        let rotation: SphericalRotation
        if gated {
            let kappa = try object.float("kappa"), beta = try object.float("beta")
            guard beta >= -1, beta < 1 else { throw object.fail("beta", "\(beta) is outside [-1, 1), the range of the gate's threshold") }
            guard object.isAbsentOrNull("t") else {
                throw object.fail("t", "applies to an ungated rotation (gated false), where it equals alpha; a gated rotation computes t from the gate")
            }
            rotation = SphericalRotation(mu: mu, kappa: kappa, alpha: 1, beta: beta)
        } else {
            for key in ["kappa", "beta"] where !object.isAbsentOrNull(key) {
                throw object.fail(key, "must be null or absent when gated is false: an ungated rotation has no gate")
            }
            if let t = try object.optionalFloat("t"), t != alpha {
                throw object.fail("t", "is \(t) but alpha is \(alpha); an ungated rotation turns by t = alpha at every position")
            }
            rotation = .ungated(mu: mu, t: 1)
        }
        if let problem = rotation.problem(), problem.hasPrefix("mu") { throw object.fail("mu", problem) }
        return (alpha, [.rotate(block: layer, rotation: rotation)])
    }

    /// `x_i *= 1 + alpha · b_i` on the listed units of `site`, one intervention per block, units in listed order.
    func austeer() throws -> (strength: Float, interventions: [Intervention], selectedUnitCount: Int?) {
        let site = try site(allowed: [.mlpOut, .headsConcat, .residPost], method: "austeer")
        let alpha = try object.float("alpha")
        let width = model.width(of: site)
        var byBlock: [Int: [Intervention.Unit]] = [:]
        var seen: [[Int]: String] = [:]
        for unit in try object.objects("units") {
            try unit.requireOnly(["layer", "dim", "b"], what: "a unit")
            let layer = try SpecMethodReader(object: unit, model: model).layer("layer")
            let dim = try unit.integer("dim", in: 0..<width, "the \(site.rawValue) units 0...\(width - 1) of \(model.name)")
            let b = try unit.float("b")
            if let first = seen[[layer, dim]] {
                throw SteeringSpecError(entry: object.entry, key: unit.path,
                                        problem: "scales layer \(layer) dim \(dim) again (\(first) does already); a unit can be scaled once")
            }
            seen[[layer, dim]] = unit.path
            byBlock[layer, default: []].append(Intervention.Unit(index: UInt32(dim), coefficient: b))
        }
        let k = try object.optionalInteger("k", in: 0..<Int.max, "the counts >= 0")
        if let k, k != seen.count { throw object.fail("k", "is \(k) but units lists \(seen.count) units; k counts the selected units") }
        let interventions = byBlock.keys.sorted().map { block in
            Intervention.scaleUnits(block: block, site: site, units: byBlock[block]!, alpha: 1)
        }
        return (alpha, interventions, k)
    }

    /// ITI: σ_h·θ_h on each listed head's slice of `heads_concat` at `layer`, added at strength alpha.
    func iti() throws -> (strength: Float, interventions: [Intervention]) {
        _ = try site(allowed: [.headsConcat], method: "iti")
        let layer = try layer("layer")
        let alpha = try object.float("alpha")
        let headDimension = try object.integer("head_dim", in: 1..<Int(Int32.max), "the positive widths")
        guard headDimension == model.headDimension else {
            throw object.fail("head_dim", "is \(headDimension) but the heads of \(model.name) are \(model.headDimension) wide")
        }
        let heads = try object.objects("heads")
        guard !heads.isEmpty else { throw object.fail("heads", "is empty; ITI edits at least one head") }
        var vector = [Float](repeating: 0, count: model.headsWidth)
        var seen: [Int: String] = [:]
        for head in heads {
            try head.requireOnly(["head", "sigma", "theta"], what: "a head")
            let index = try head.integer("head", in: 0..<model.headCount, "the heads 0...\(model.headCount - 1) of \(model.name)")
            if let first = seen[index] {
                throw SteeringSpecError(entry: object.entry, key: head.path, problem: "edits head \(index) again (\(first) does already)")
            }
            seen[index] = head.path
            let sigma = try head.float("sigma")
            let theta = try head.floats("theta", count: headDimension, "head_dim")
            for (i, value) in theta.enumerated() { vector[index * headDimension + i] = sigma * value }
        }
        return (alpha, [.add(block: layer, site: .headsConcat, vector: vector)])
    }

    /// `site`, one of `allowed`.
    private func site(allowed: [EditSite], method: String) throws -> EditSite {
        let name = try object.string("site")
        let expected = allowed.map(\.rawValue).joined(separator: " or ")
        guard let site = EditSite(rawValue: name) else {
            throw object.fail("site", "\(jsonStringLiteral(name)) is not a site; expected \(expected)")
        }
        guard allowed.contains(site) else { throw object.fail("site", "\(method) edits \(expected), not \(name)") }
        return site
    }

    /// A block of the model.
    private func layer(_ key: String) throws -> Int {
        try object.integer(key, in: 0..<model.blockCount, "the blocks 0...\(model.blockCount - 1) of \(model.name)")
    }

    private func widthText(_ site: EditSite) -> String { "the width of \(site.rawValue) in \(model.name)" }
}
