import Foundation

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
    /// error naming the strength. A suffix that is not a number ("a.gguf:abc") is part of the path, unless no file
    /// has the whole name and one has the name before the colon: then it was meant as a strength, and the error says
    /// what a strength must be instead of failing to open a file nobody named. `fileExists` answers for a path.
    public init(argument: String) throws {
        try self.init(argument: argument) { FileManager.default.fileExists(atPath: $0) }
    }

    public init(argument: String, fileExists: (String) -> Bool) throws {
        guard let colon = argument.lastIndex(of: ":"), colon != argument.startIndex else {
            self.init(path: argument)
            return
        }
        let path = String(argument[..<colon]), suffix = String(argument[argument.index(after: colon)...])
        guard let strength = Float(suffix) else {
            if !fileExists(argument) && fileExists(path) {
                throw SteeringVectorError(file: path, .invalidStrength(argument: argument, strength: suffix))
            }
            self.init(path: argument)
            return
        }
        guard strength.isFinite else {
            throw SteeringVectorError(file: path, .invalidStrength(argument: argument, strength: suffix))
        }
        self.init(path: path, strength: strength)
    }
}
