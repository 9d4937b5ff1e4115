import Llama

/// Where an edit writes. Reading covers every `HookSite`; writing these three is what the methods need
/// (steering-methods.md §0.2).
public enum EditSite: String, Sendable, CaseIterable {
    /// The output of block l after its FFN residual add (llama.cpp's control vectors).
    case residPost = "resid_post"
    /// The down-projection output of block l, before its residual add. [width]
    case mlpOut = "mlp_out"
    /// The attention heads of block l before the output projection. [heads · headDim]
    case headsConcat = "heads_concat"

    /// The writable site of `hookSite`; a read-only site is a `SteeringError` listing the writable ones.
    public init(hookSite: HookSite) throws {
        guard let site = EditSite(rawValue: hookSite.rawValue) else {
            throw SteeringError.badArgument("site \(hookSite.rawValue) cannot be written; writable: \(EditSite.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = site
    }
}

/// What one sequence does at one site of one block, in the order the kernel applies it: add a vector, then scale
/// listed units (x[i] *= 1 + alpha·b), then (at `resid_post` only) rotate toward a prototype. On `mlp_out` the
/// scaling acts on the down-projection output before it is added; an add there equals an add at `resid_post` of the
/// same block (x + (δ + v) = (x + δ) + v, up to rounding) and is applied that way.
public struct SiteEdit: Sendable, Equatable {
    /// f32 [site width], added as is (strengths already applied).
    public var add: [Float]?
    /// (unit index, coefficient b) pairs, scaled by `unitAlpha`.
    public var units: [(index: UInt32, coefficient: Float)] = []
    /// The strength alpha of the unit scaling.
    public var unitAlpha: Float = 0
    /// Spherical Steering after the add and the scaling; `resid_post` only.
    public var rotation: SphericalRotation?

    /// An edit; by default it changes nothing.
    public init(add: [Float]? = nil, units: [(index: UInt32, coefficient: Float)] = [], unitAlpha: Float = 0,
                rotation: SphericalRotation? = nil) {
        self.add = add; self.units = units; self.unitAlpha = unitAlpha; self.rotation = rotation
    }

    /// Equal adds, alpha, units (in order) and rotation.
    public static func == (a: SiteEdit, b: SiteEdit) -> Bool {
        a.add == b.add && a.unitAlpha == b.unitAlpha && a.rotation == b.rotation
            && a.units.elementsEqual(b.units) { $0.index == $1.index && $0.coefficient == $1.coefficient }
    }

    /// Whether applying it can change anything (an all-zero add, no units or a rotation with alpha 0 change
    /// nothing, and are skipped so that strength 0 is bit-identical to no steering).
    public var isEffective: Bool {
        (add?.contains { $0 != 0 } ?? false) || (unitAlpha != 0 && units.contains { $0.coefficient != 0 })
            || (rotation?.isEffective ?? false)
    }
}

/// A block and a site.
public struct SiteKey: Hashable, Sendable, Comparable {
    /// The block index, 0-based.
    public var block: Int
    /// The site in that block.
    public var site: EditSite
    /// A block and site.
    public init(block: Int, site: EditSite) { self.block = block; self.site = site }
    /// Block order, then site name: the order edits are applied and listed.
    public static func < (a: SiteKey, b: SiteKey) -> Bool { (a.block, a.site.rawValue) < (b.block, b.site.rawValue) }
}

/// Everything one sequence is steered with: its edits per block and site, which positions they apply to, and
/// where its prompt ends (for the position policy).
public struct SequenceSteering: Sendable, Equatable {
    /// The edits that change something, by block and site.
    public var edits: [SiteKey: SiteEdit]
    /// Which positions the edits apply to.
    public var positions: PositionPolicy
    /// Where the sequence's prompt and answer start.
    public var span: SequenceSpan

    /// A sequence's steering; edits that change nothing are dropped.
    public init(edits: [SiteKey: SiteEdit], positions: PositionPolicy = .all, span: SequenceSpan) {
        self.edits = edits.filter { $0.value.isEffective }
        self.positions = positions
        self.span = span
    }

    /// Additive vectors composed as llama.cpp composes control vectors: per block, the sum of strength · direction
    /// over the files (in the order given), on the blocks `layers` selects. A file whose site is not `resid_post`
    /// adds at its own site. Strength 0 contributes nothing. The same composition as `compose`, limited to `add` files.
    public static func additive(_ vectors: [(vector: SteeringVector, strength: Float)], layers: LayerSelection? = nil,
                                positions: PositionPolicy = .all, span: SequenceSpan) throws -> SequenceSteering {
        let entries = try vectors.map { vector, strength in
            guard vector.info.operation == .add else {
                throw SteeringError.badArgument("\(vector.name): operation \(vector.info.operation.rawValue) is not additive")
            }
            return try SteeringEntry(vector: vector, strength: strength)
        }
        return try compose(entries, layers: layers, positions: positions, span: span)
    }

    /// Whether nothing would change.
    public var isEmpty: Bool { edits.isEmpty }
}
