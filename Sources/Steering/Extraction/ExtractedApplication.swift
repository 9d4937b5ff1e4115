import Llama

/// How extracted data is applied, as a vector file records it (docs/vector-format.md): `veer.operation`,
/// `veer.site`, `veer.method`, `veer.positions`, `veer.strength`, the Spherical gate and AUSteer's k. The default
/// is a plain additive vector at `resid_post` with nothing else stated.
public struct ExtractedApplication: Sendable, Equatable {
    public var operation: SteeringOperation
    public var site: HookSite
    public var method: SteeringMethod
    /// The positions the method steers (nil: not stated, every position).
    public var positions: PositionPolicy?
    /// The method's strength (additive s, ITI/AUSteer alpha, Spherical alpha or ungated t); nil means 1.
    public var strength: Float?
    /// The gate of a `rotate` result.
    public var gate: SphericalGate?
    /// AUSteer's k.
    public var selectedUnitCount: Int?

    public init(operation: SteeringOperation = .add, site: HookSite = .residPost, method: SteeringMethod = .additive,
                positions: PositionPolicy? = nil, strength: Float? = nil, gate: SphericalGate? = nil,
                selectedUnitCount: Int? = nil) {
        self.operation = operation; self.site = site; self.method = method; self.positions = positions
        self.strength = strength; self.gate = gate; self.selectedUnitCount = selectedUnitCount
    }

    /// `info` with these fields filled in.
    public func applied(to info: VectorInfo) -> VectorInfo {
        var info = info
        info.operation = operation
        info.site = site
        info.steeringMethod = method
        info.steeredPositions = positions
        info.strength = strength
        info.sphericalGate = gate
        info.selectedUnitCount = selectedUnitCount
        return info
    }
}
