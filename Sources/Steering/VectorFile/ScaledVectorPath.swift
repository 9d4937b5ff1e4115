/// A vector file argument with an optional strength: `FILE` or `FILE:S` (S a decimal number, negative allowed), as
/// in `veer vector add a.gguf b.gguf:-0.5` and `veer generate --steer FILE[:S]`. Only a suffix after the last colon
/// that parses as a number is a strength, so a path that itself contains colons still works ("a:b.gguf" is a path).
public struct ScaledVectorPath: Sendable, Equatable {
    /// The vector file's path.
    public var path: String
    /// The multiplier for its directions (1 when none was given).
    public var strength: Float

    /// A path with a strength.
    public init(path: String, strength: Float = 1) {
        self.path = path
        self.strength = strength
    }

    /// Parses `FILE` or `FILE:S`. A strength that is not finite ("a.gguf:inf", "a.gguf:nan", "a.gguf:1e99") is an
    /// error naming the argument.
    public init(argument: String) throws {
        guard let colon = argument.lastIndex(of: ":"), colon != argument.startIndex,
              let strength = Float(argument[argument.index(after: colon)...]) else {
            self.init(path: argument)
            return
        }
        let path = String(argument[..<colon])
        guard strength.isFinite else {
            throw SteeringVectorError(file: path, .invalidValue(
                key: "strength in '\(argument)'", value: "\(strength)", expected: "a finite number (FILE:S)"))
        }
        self.init(path: path, strength: strength)
    }
}
