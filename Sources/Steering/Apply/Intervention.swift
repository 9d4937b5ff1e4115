/// One change to one block's activations, with every strength already applied. Entries (files, JSON specs) become
/// lists of these, and `SequenceSteering.compose` merges them into the per-site edits the kernels run.
public enum Intervention: Sendable, Equatable {
    /// `x += vector` at `site` of `block`. vector: f32 [site width].
    case add(block: Int, site: EditSite, vector: [Float])
    /// `x_i *= 1 + alpha · b_i` for each listed unit (index into the site's width, coefficient b).
    case scaleUnits(block: Int, site: EditSite, units: [Unit], alpha: Float)
    /// Spherical Steering at `resid_post` of `block`.
    case rotate(block: Int, rotation: SphericalRotation)

    /// A unit of a site and its coefficient b.
    public struct Unit: Sendable, Equatable {
        public var index: UInt32
        public var coefficient: Float
        public init(index: UInt32, coefficient: Float) { self.index = index; self.coefficient = coefficient }
    }

    /// The block it changes.
    public var block: Int {
        switch self {
        case .add(let block, _, _), .scaleUnits(let block, _, _, _), .rotate(let block, _): block
        }
    }

    /// The site it changes.
    public var site: EditSite {
        switch self {
        case .add(_, let site, _), .scaleUnits(_, let site, _, _): site
        case .rotate: .residPost
        }
    }

    /// This intervention with its strength multiplied by `factor`: the added vector, the unit alpha, or the
    /// rotation's alpha.
    public func scaled(by factor: Float) -> Intervention {
        switch self {
        case .add(let block, let site, let vector): .add(block: block, site: site, vector: vector.map { $0 * factor })
        case .scaleUnits(let block, let site, let units, let alpha): .scaleUnits(block: block, site: site, units: units, alpha: alpha * factor)
        case .rotate(let block, let rotation): .rotate(block: block, rotation: rotation.scaled(by: factor))
        }
    }

    /// Whether it can change anything (a zero vector, alpha 0 or no units change nothing).
    public var isEffective: Bool {
        switch self {
        case .add(_, _, let vector): vector.contains { $0 != 0 }
        case .scaleUnits(_, _, let units, let alpha): alpha != 0 && units.contains { $0.coefficient != 0 }
        case .rotate(_, let rotation): rotation.isEffective
        }
    }
}

/// One source of steering as the user gave it: a vector file at a strength, or one entry of a JSON spec. Its name
/// (the file path, or the spec file and entry) is what composition errors cite.
///
/// The interventions are stored at unit strength and `strength` says how strong they act, as a vector file stores
/// its directions and `veer.strength`: the additive s, the ITI or AUSteer alpha, the Spherical alpha (t when
/// ungated). `FILE:S` multiplies it, whatever the method.
public struct SteeringEntry: Sendable, Equatable {
    /// "happy.gguf", "spec.json entry 2 (id spherical_l15)": how errors name it.
    public var name: String
    public var method: SteeringMethod
    /// The positions the entry asks for (`veer.positions`, JSON `positions`); nil when it states none.
    public var positions: PositionPolicy?
    /// The method's strength, applied to every intervention.
    public var strength: Float
    /// What it does at strength 1.
    public var interventions: [Intervention]

    public init(name: String, method: SteeringMethod, positions: PositionPolicy? = nil, strength: Float = 1,
                interventions: [Intervention]) {
        self.name = name; self.method = method; self.positions = positions; self.strength = strength
        self.interventions = interventions
    }

    /// The same entry with its strength multiplied by `factor` (`FILE:S`).
    public func scaled(by factor: Float) -> SteeringEntry {
        var copy = self
        copy.strength *= factor
        return copy
    }

    /// The interventions at the entry's strength, as composition applies them.
    public var applied: [Intervention] {
        strength == 1 ? interventions : interventions.map { $0.scaled(by: strength) }
    }

    /// The blocks it touches, ascending.
    public var blocks: [Int] { Set(interventions.map(\.block)).sorted() }
}
