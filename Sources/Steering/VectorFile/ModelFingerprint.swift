import Crypto
import GGUF

/// A model's identity for vector files: SHA-256 over what determines whether a steering vector made on one model
/// fits another, and nothing else. Tensor names and shapes count, tensor types and data do not, so a re-quantized
/// model (Q4_1 -> Q8_0 -> F16) keeps its fingerprint while a different model, a changed hyperparameter or a changed
/// vocabulary gets a new one. The byte layout (version "veer-fingerprint-v1") is specified in docs/vector-format.md
/// and must not change: a new layout gets a new version prefix.
public enum ModelFingerprint {
    /// The layout's version, the first bytes hashed.
    public static let version = "veer-fingerprint-v1"

    /// Lowercase hex SHA-256 of the model's fingerprint bytes. Needs `general.architecture` (a string).
    public static func compute(_ file: GGUFFile) throws -> String {
        var hash = SHA256()
        try FingerprintEncoder(file: file).encode { hash.update(data: $0) }
        return hash.finalize().map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 15)] }.joined()
    }

    /// 64 lowercase hex digits: what `compute` returns and what `veer.model.fingerprint` must hold.
    public static func isWellFormed(_ fingerprint: String) -> Bool {
        fingerprint.utf8.count == 64 && fingerprint.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }
}

/// Serializes the fingerprinted parts of a model in the documented order. Every variable-length item carries its
/// length, so no two different models can produce the same byte stream.
private struct FingerprintEncoder {
    let file: GGUFFile

    func encode(_ emit: ([UInt8]) -> Void) throws {
        let metadata = file.metadata
        let architecture = try metadata.string("general.architecture")
        emit(Array(ModelFingerprint.version.utf8) + [0])
        emit(string(architecture))

        // Hyperparameters: every "<arch>.*" key, sorted by UTF-8 bytes so writers' key order does not matter.
        let prefix = architecture + "."
        let keys = metadata.keys.filter { $0.hasPrefix(prefix) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        emit(uint64(keys.count))
        for key in keys {
            emit(string(key))
            emit(value(try metadata.value(key)))
        }

        // Tensor names and shapes (GGUF order, ne[0] first), sorted by name: types and data are left out.
        let tensors = file.tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        emit(uint64(tensors.count))
        for tensor in tensors {
            emit(string(tensor.name))
            emit(uint32(tensor.shape.count))
            for dimension in tensor.shape { emit(uint64(dimension)) }
        }

        // Vocabulary in id order and the pre-tokenizer name, each after a presence byte (0 absent, 1 present).
        if let tokens = try metadata.ifPresent("tokenizer.ggml.tokens", metadata.stringArray) {
            emit([1] + uint64(tokens.count))
            for token in tokens { emit(string(token)) }
        } else {
            emit([0])
        }
        if let pre = try metadata.ifPresent("tokenizer.ggml.pre", metadata.string) {
            emit([1] + string(pre))
        } else {
            emit([0])
        }
    }

    /// One metadata value with a type tag. Integers of every width become 'i' + int64 (a uint64 above Int64.max:
    /// 'u' + uint64) and floats become 'f' + float64, because converters disagree on uint32 vs int32 vs uint64 and
    /// on float32 vs float64 for the same hyperparameter; the value is what identifies the model.
    private func value(_ value: GGUFValue) -> [UInt8] {
        switch value {
        case let .uint8(v): return tagged("i", Int64(v))
        case let .int8(v): return tagged("i", Int64(v))
        case let .uint16(v): return tagged("i", Int64(v))
        case let .int16(v): return tagged("i", Int64(v))
        case let .uint32(v): return tagged("i", Int64(v))
        case let .int32(v): return tagged("i", Int64(v))
        case let .int64(v): return tagged("i", v)
        case let .uint64(v): return Int64(exactly: v).map { tagged("i", $0) } ?? tagged("u", v)
        case let .float32(v): return tagged("f", Double(v).bitPattern)
        case let .float64(v): return tagged("f", v.bitPattern)
        case let .bool(v): return [tag("b"), v ? 1 : 0]
        case let .string(v): return [tag("s")] + string(v)
        case let .array(array): return [tag("a")] + uint64(array.count) + elements(of: array).flatMap(self.value)
        }
    }

    private func elements(of array: GGUFArray) -> [GGUFValue] {
        switch array {
        case let .uint8(a): return a.map(GGUFValue.uint8)
        case let .int8(a): return a.map(GGUFValue.int8)
        case let .uint16(a): return a.map(GGUFValue.uint16)
        case let .int16(a): return a.map(GGUFValue.int16)
        case let .uint32(a): return a.map(GGUFValue.uint32)
        case let .int32(a): return a.map(GGUFValue.int32)
        case let .uint64(a): return a.map(GGUFValue.uint64)
        case let .int64(a): return a.map(GGUFValue.int64)
        case let .float32(a): return a.map(GGUFValue.float32)
        case let .float64(a): return a.map(GGUFValue.float64)
        case let .bool(a): return a.map(GGUFValue.bool)
        case let .string(a): return a.map(GGUFValue.string)
        case let .array(a): return a.map(GGUFValue.array)
        }
    }

    private func tag(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }
    private func tagged<T: FixedWidthInteger>(_ character: Unicode.Scalar, _ payload: T) -> [UInt8] {
        [tag(character)] + littleEndian(payload)
    }
    private func string(_ text: String) -> [UInt8] { uint64(text.utf8.count) + Array(text.utf8) }
    private func uint64(_ value: Int) -> [UInt8] { littleEndian(UInt64(value)) }
    private func uint32(_ value: Int) -> [UInt8] { littleEndian(UInt32(value)) }
    private func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
