/// Everything that can be wrong with a vector file, or with a vector for a model. Every message names the file and
/// says what was found and what was expected. Malformed GGUF (truncated, bad magic, ...) surfaces as `GGUFError`,
/// which also names the file.
public struct SteeringVectorError: Error, Equatable, CustomStringConvertible {
    /// The vector file's path (or the name of an in-memory vector).
    public var file: String
    /// What is wrong.
    public var kind: Kind

    /// An error about `file`.
    public init(file: String, _ kind: Kind) {
        self.file = file
        self.kind = kind
    }

    /// The kinds of error, each with the values its message shows.
    public enum Kind: Equatable, Sendable {
        case notAControlVector(architecture: String?)
        case noDirections
        case unknownTensor(name: String)
        case llamaCppBlockZero
        case duplicateBlock(block: Int, first: String, second: String)
        case notF32(tensor: String, type: String)
        case notOneDimensional(tensor: String, shape: [Int])
        case emptyDirection(tensor: String)
        case widthMismatch(tensor: String, width: Int, expected: Int, expectedFrom: String)
        case nonFinite(tensor: String, index: Int, value: Float)
        case unsupportedFormatVersion(UInt32)
        case unsupportedOperation(String)
        /// A tensor whose kind belongs to another operation than the file's `veer.operation`.
        case tensorOfOtherOperation(tensor: String, operation: String)
        /// A `veer.mu.N` whose L2 norm is not 1 within 1e-3.
        case notUnitNorm(tensor: String, norm: Float)
        /// The file holds version-2 content (`what`) but says it is `version` (nil: no veer.format_version).
        case contentNeedsNewerVersion(version: UInt32?, content: String)
        case invalidValue(key: String, value: String, expected: String)
        case cannotCombine(other: String, reason: String)
        // Vector against model.
        /// `site`'s width in the model is `modelWidth`, computed as `derivation` says.
        case modelWidth(vectorWidth: Int, modelWidth: Int, model: String, site: String, derivation: String)
        /// The model file does not say how wide `site` is.
        case unknownSiteWidth(site: String, model: String, missing: String)
        case blockOutOfRange(block: Int, blockCount: Int, model: String)
        case fingerprintMismatch(vector: String, model: String, modelFile: String)
        case noFingerprint(model: String)
        case cannotWrite(reason: String)
        // Arguments and arithmetic.
        case invalidStrength(argument: String, strength: String)
        case overflow(operation: String, block: Int, index: Int, value: Float)
    }

    /// "FILE: MESSAGE", the form every command prints.
    public var description: String { "\(file): \(kind)" }
}

extension SteeringVectorError.Kind: CustomStringConvertible {
    /// The message: what was found and what was expected.
    public var description: String {
        switch self {
        case let .notAControlVector(architecture?):
            return "not a control vector: general.architecture is '\(architecture)', expected 'controlvector'"
                + " (a model file? vector files hold only direction tensors)"
        case .notAControlVector(nil):
            return "not a control vector: general.architecture is missing, expected 'controlvector'"
        case .noDirections:
            return "no direction tensors: expected tensors named direction.N (N >= 1) or veer.direction.N (N >= 0),"
                + " or veer.mu.N / veer.units.N with their veer.operation"
        case let .unknownTensor(name):
            return "tensor '\(name)' is not a direction: expected direction.N (N >= 1) or veer.direction.N (N >= 0),"
                + " or veer.mu.N / veer.units.N with their veer.operation, N in plain decimal"
        case let .tensorOfOtherOperation(tensor, operation):
            let expected = SteeringOperation(rawValue: operation).map(VectorTensorName.pattern(of:)) ?? "?"
            return "tensor '\(tensor)' does not belong in a file whose veer.operation is '\(operation)'"
                + " (expected \(expected))"
        case let .notUnitNorm(tensor, norm):
            return "tensor '\(tensor)' has L2 norm \(norm), expected a unit prototype (norm 1 within 1e-3)"
        case let .contentNeedsNewerVersion(version, content):
            let found = version.map { "veer.format_version is \($0)" } ?? "veer.format_version is absent"
            return "\(found), but the file holds \(content), which needs format version"
                + " \(VectorFileKey.methodsFormatVersion)"
        case let .duplicateBlock(block, first, second):
            return "tensors '\(first)' and '\(second)' are both directions of block \(block); expected one"
        case .llamaCppBlockZero:
            return "tensor 'direction.0' is not allowed: llama.cpp refuses block 0 and Veer stores it as veer.direction.0"
        case let .notF32(tensor, type):
            return "tensor '\(tensor)' is \(type), expected F32"
        case let .notOneDimensional(tensor, shape):
            return "tensor '\(tensor)' has shape \(shape), expected one dimension [width]"
        case let .emptyDirection(tensor):
            return "tensor '\(tensor)' has no values, expected [width] with width >= 1"
        case let .widthMismatch(tensor, width, expected, expectedFrom):
            return "tensor '\(tensor)' has width \(width), expected \(expected) like \(expectedFrom)"
        case let .nonFinite(tensor, index, value):
            return "tensor '\(tensor)' holds \(value) at index \(index), expected finite values"
        case let .unsupportedFormatVersion(version):
            let readable = VectorFileKey.readableFormatVersions
            return "veer.format_version is \(version); this Veer reads versions \(readable.lowerBound) to \(readable.upperBound)"
                + (version > readable.upperBound ? " (the file was written by a newer Veer)" : "")
        case let .unsupportedOperation(operation):
            let known = SteeringOperation.allCases.map(\.rawValue).joined(separator: ", ")
            return "veer.operation is '\(operation)', which this Veer cannot apply (supported: \(known))"
        case let .invalidValue(key, value, expected):
            return "metadata key '\(key)' is \(value), expected \(expected)"
        case let .cannotCombine(other, reason):
            return "cannot combine with \(other): \(reason)"
        case let .modelWidth(vectorWidth, modelWidth, model, site, derivation):
            return "directions have width \(vectorWidth) but \(site) of the model \(model) has width \(modelWidth)"
                + " (\(derivation))"
        case let .unknownSiteWidth(site, model, missing):
            return "cannot check the width of \(site): the model \(model) lacks \(missing)"
        case let .blockOutOfRange(block, blockCount, model):
            return "has a direction for block \(block) but the model \(model) has \(blockCount) blocks (0...\(blockCount - 1))"
        case let .fingerprintMismatch(vector, model, modelFile):
            return "was made for the model with fingerprint \(vector), but \(modelFile) has fingerprint \(model)"
        case let .noFingerprint(model):
            return "records no model fingerprint, so it cannot be checked against \(model)"
                + " (strict checking needs one: `veer vector convert FILE --model MODEL --out NEW`)"
        case let .cannotWrite(reason):
            return "cannot write the vector file: \(reason)"
        case let .invalidStrength(argument, strength):
            return "strength '\(strength)' in '\(argument)' is not a finite number; a strength must be a finite"
                + " decimal number such as 0.5, -2 or 1e3 (FILE:S)"
        case let .overflow(operation, block, index, value):
            return "\(operation) overflows f32 at block \(block): index \(index) becomes \(value);"
                + " expected finite values (use smaller weights or factors)"
        }
    }
}
