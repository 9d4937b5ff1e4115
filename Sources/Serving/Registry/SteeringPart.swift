import Steering

/// One entry of a request's steering (or of the server's default) ready to compose: the request's strength,
/// layers and positions applied, named the way messages and the response name it.
struct SteeringPart: Sendable {
    /// The registered name, "spec" for an inline spec, or the `--steer` file's name without extension.
    var name: String
    /// Named for composition errors ("steering[1] (happy)"), strength folded in, only the selected blocks.
    var entry: SteeringEntry

    /// The blocks it changes at its strength (none at strength 0 or when `layers` kept none of its blocks).
    var steeredBlocks: [Int] { Set(entry.applied.filter(\.isEffective).map(\.block)).sorted() }

    /// Whether it changes anything.
    var isEffective: Bool { entry.applied.contains(where: \.isEffective) }

    /// A description of the first value that is not finite once the strength is applied (a large request strength
    /// times the file's own can overflow f32), or nil.
    var overflow: String? {
        for intervention in entry.applied {
            switch intervention {
            case .add(let block, let site, let vector):
                if vector.contains(where: { !$0.isFinite }) { return "the \(site.rawValue) vector of block \(block) overflows f32" }
            case .scaleUnits(let block, let site, _, let alpha):
                if !alpha.isFinite { return "the unit alpha of \(site.rawValue) at block \(block) is \(alpha)" }
            case .rotate(let block, let rotation):
                if !rotation.alpha.isFinite { return "the rotation alpha at block \(block) is \(rotation.alpha)" }
            }
        }
        return nil
    }
}
