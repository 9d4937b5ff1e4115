import Steering

/// The steering a sweep scales: loaded entries (vector files, JSON spec entries) with the run's layer filter,
/// positions and cache mode. Strength alpha multiplies every entry's strength (`SteeringEntry.scaled(by:)`), as
/// `FILE:alpha` would; alpha 0 is no steering at all, so that row runs exactly the unsteered model.
public struct SweepSteering: Sendable {
    public var entries: [SteeringEntry]
    public var layers: LayerSelection?
    public var positions: PositionPolicy
    public var cacheMode: CacheMode

    public init(entries: [SteeringEntry], layers: LayerSelection? = nil, positions: PositionPolicy = .all,
                cacheMode: CacheMode = .steeredPersist) {
        self.entries = entries; self.layers = layers; self.positions = positions; self.cacheMode = cacheMode
    }

    /// One sequence's steering at strength `alpha` (nil at 0: the slot is unsteered).
    public func sequence(alpha: Double, span: SequenceSpan) throws -> SequenceSteering? {
        guard alpha != 0 else { return nil }
        let scaled = entries.map { $0.scaled(by: Float(alpha)) }
        return try SequenceSteering.compose(scaled, layers: layers, positions: positions, span: span)
    }
}
