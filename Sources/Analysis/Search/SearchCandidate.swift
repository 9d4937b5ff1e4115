/// One configuration the search scores: a method's vector at one block with one strength (and, for Spherical, one
/// gate threshold β with κ = 20).
public struct SearchCandidate: Sendable, Equatable, Codable, Hashable {
    public var method: SearchMethod
    public var layer: Int
    /// The file's strength (`veer.strength`): the multiplier or α.
    public var strength: Float
    /// Spherical's β; nil for the other methods.
    public var beta: Float?

    public init(method: SearchMethod, layer: Int, strength: Float, beta: Float? = nil) {
        self.method = method; self.layer = layer; self.strength = strength; self.beta = beta
    }

    /// The method's defaults at `layer`: what stage 1 scores.
    public static func defaults(_ method: SearchMethod, layer: Int) -> SearchCandidate {
        SearchCandidate(method: method, layer: layer, strength: method.defaultStrength, beta: method.defaultBeta)
    }

    /// The configuration's name in evaluation documents and tables, e.g. "caa L12 multiplier=2" or
    /// "spherical L14 alpha=0.7 beta=-0.05".
    public var name: String {
        var text = "\(method.rawValue) L\(layer) \(method.strengthName)=\(Self.format(strength))"
        if let beta { text += " beta=\(Self.format(beta))" }
        return text
    }

    /// A short file-name stem, e.g. "caa-L12-s2" or "spherical-L14-s0.7-b-0.05".
    public var fileStem: String {
        var text = "\(method.rawValue)-L\(layer)-s\(Self.format(strength))"
        if let beta { text += "-b\(Self.format(beta))" }
        return text
    }

    /// The shortest decimal that reads back as the value ("2", "0.7", "-0.05").
    public static func format(_ value: Float) -> String {
        value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : "\(value)"
    }
}
