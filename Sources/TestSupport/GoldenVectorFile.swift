import Foundation
import GGUF
import ModelStore

/// llama.cpp's control vectors among the goldens are kept as text: `Tests/Goldens/<stem>.json`, written from the
/// GGUF file llama.cpp made by `tools/golden-vector-json.py` (metadata with types, tensors with their float32 values,
/// the original's SHA-256). The tests read the GGUF file itself, rebuilt here with `GGUFWriter` and used only when
/// its SHA-256 equals the original's: byte for byte the file llama.cpp wrote.
extension GoldenFile {
    /// The path of golden control vector `name` (e.g. "cvector-happy.gguf"), rebuilt under its own name in a temporary
    /// directory named by its SHA-256 (so concurrent test processes share it, and a stale or damaged copy is never
    /// used; messages that print the file's name see llama.cpp's).
    public static func vectorFile(_ name: String) throws -> String {
        let jsonName = (name as NSString).deletingPathExtension + ".json"
        let image = try decode(GoldenVectorImage.self, from: jsonName)
        let directory = FileManager.default.temporaryDirectory.appending(path: "veer-goldens/\(image.sha256)")
        let path = directory.appending(path: (name as NSString).lastPathComponent)   // "arch/x.gguf" -> x.gguf
        if FileManager.default.fileExists(atPath: path.path), try ModelStore.sha256(of: path) == image.sha256 { return path.path }

        let bytes = try image.serialize(jsonName)
        let digest = ModelStore.sha256(of: Data(bytes))
        guard digest == image.sha256 else {
            throw GoldenFileError(path: jsonName, problem: "rebuilds to a file with SHA-256 \(digest), not the original's \(image.sha256)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: path, options: .atomic)
        return path.path
    }
}

/// The JSON form of a control-vector GGUF file.
struct GoldenVectorImage: Decodable {
    struct Entry: Decodable {
        var key: String
        var type: String
        var string: String?
        var int32: Int32?

        enum CodingKeys: String, CodingKey { case key, type, value }
        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
            type = try container.decode(String.self, forKey: .type)
            switch type {
            case "string": string = try container.decode(String.self, forKey: .value)
            case "int32": int32 = try container.decode(Int32.self, forKey: .value)
            default:
                throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "metadata type \(type): expected string or int32")
            }
        }

        var value: GGUFValue { string.map { .string($0) } ?? .int32(int32!) }
    }
    struct Tensor: Decodable { var name: String; var shape: [Int]; var values: [Float] }

    var sha256: String
    var metadata: [Entry]
    var tensors: [Tensor]

    func serialize(_ file: String) throws -> [UInt8] {
        var writer = GGUFWriter()
        for entry in metadata { writer.set(entry.key, entry.value) }
        do {
            for tensor in tensors { try writer.addTensor(name: tensor.name, shape: tensor.shape, values: tensor.values) }
            return try writer.serialize()
        } catch {
            throw GoldenFileError(path: file, problem: "does not rebuild as a GGUF file: \(error)")
        }
    }
}
