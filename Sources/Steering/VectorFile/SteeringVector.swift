/// The content of one vector file: per-block directions and what the file says about them.
///
/// `directions[N]` belongs to block N (0-based) and, for the `add` operation at `resid_post`, is added to the output
/// of block N: the llama.cpp control-vector convention (`direction.N`). For `rotate` it holds the unit prototype mu
/// (`veer.mu.N`), for `scale_units` the dense coefficients b over the site's width (`veer.units.N`). A vector is
/// checked when it is built or read: one width for every direction, at least one direction, finite values, and
/// method keys that fit the operation (`checkLayout`).
public struct SteeringVector: Sendable, Equatable {
    /// Length of every direction: the width of the site it was made for (d_model, or heads x head_dim).
    public internal(set) var width: Int
    /// Block index N -> `width` floats.
    public internal(set) var directions: [Int: [Float]]
    /// What the file says about the directions (method, site, norms, model, ...).
    public var info: VectorInfo
    /// The file it was read from, or a name given when it was built; errors name it.
    public var name: String

    /// Checks and wraps directions made in memory (by extraction, or a test).
    public init(directions: [Int: [Float]], info: VectorInfo = VectorInfo(), name: String = "<vector>") throws {
        let width = try Self.validate(directions, name: name,
                                      label: { VectorTensorName.name(forBlock: $0, operation: info.operation) })
        self.init(checked: directions, width: width, info: info, name: name)
        try checkLayout(file: name)
    }

    /// Wraps directions `validate` has accepted (their width is `width`).
    init(checked directions: [Int: [Float]], width: Int, info: VectorInfo, name: String) {
        self.width = width
        self.directions = directions
        self.info = info
        self.name = name
    }

    /// Block indices that have a direction, ascending.
    public var blocks: [Int] { directions.keys.sorted() }

    /// L2 norm of each direction.
    public var directionNorms: [Int: Float] { directions.mapValues(Self.norm) }

    static func norm(_ values: [Float]) -> Float {
        // Accumulate in Double: a long vector of small values loses digits in a Float sum.
        Float(values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }

    /// The common width of `directions`, or an error naming the first direction that breaks a rule. `label` names a
    /// block's direction in messages as the caller's file does.
    static func validate(_ directions: [Int: [Float]], name: String, label: (Int) -> String) throws -> Int {
        func fail(_ kind: SteeringVectorError.Kind) -> SteeringVectorError { SteeringVectorError(file: name, kind) }
        let blocks = directions.keys.sorted()
        guard let first = blocks.first else { throw fail(.noDirections) }
        if first < 0 { throw fail(.invalidValue(key: "block index", value: "\(first)", expected: "a block index >= 0")) }
        let width = directions[first]!.count
        for block in blocks {
            let values = directions[block]!
            guard !values.isEmpty else { throw fail(.emptyDirection(tensor: label(block))) }
            guard values.count == width else {
                throw fail(.widthMismatch(tensor: label(block), width: values.count, expected: width, expectedFrom: label(first)))
            }
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw fail(.nonFinite(tensor: label(block), index: index, value: values[index]))
            }
        }
        return width
    }
}
