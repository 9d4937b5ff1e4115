import Foundation
import GGUF
import TestSupport
import Testing
@testable import Steering

/// Files for the vector tests: the committed fixtures, temporary files that remove themselves, and GGUF images built
/// with `GGUFWriter` the way llama.cpp and repeng lay out control vectors.
enum VectorTestFiles {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repositoryRoot.appending(path: "Tests/SteeringTests/Fixtures")
    static let repengFixture = fixtures.appending(path: "repeng-tiny.gguf").path
    /// llama.cpp's mean-method vector among the goldens.
    static var goldenMeanVector: String { get throws { try GoldenFile.vectorFile("cvector-happy.gguf") } }

    /// A control-vector writer with llama.cpp's three keys (`layer_count` int32, as cvector-generator writes it).
    static func llamaCppWriter(layerCount: Int32 = 3) -> GGUFWriter {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("controlvector"))
        writer.set("controlvector.model_hint", .string("llama"))
        writer.set("controlvector.layer_count", .int32(layerCount))
        return writer
    }

    /// `width` values that differ per block and index, exactly representable in f32.
    static func direction(block: Int, width: Int = 4) -> [Float] {
        (0..<width).map { Float(block * 8 + $0) * 0.25 - 1 }
    }

    /// Replaces the ggml type id of tensor `name` in a serialized image (GGUFWriter writes only F32). The data area
    /// keeps its F32 size, which is more than any smaller type needs.
    static func settingTensorType(_ image: [UInt8], tensor name: String, to type: UInt32) throws -> [UInt8] {
        let nameBytes = Array(name.utf8)
        var length = withUnsafeBytes(of: UInt64(nameBytes.count).littleEndian) { Array($0) }
        length += nameBytes
        guard let start = (0...(image.count - length.count)).first(where: { Array(image[$0..<$0 + length.count]) == length })
        else { throw TestFileError("tensor \(name) is not in the image") }
        var result = image
        let dimsAt = start + length.count
        let dims = Int(result[dimsAt])
        let typeAt = dimsAt + 4 + 8 * dims
        withUnsafeBytes(of: type.littleEndian) { for (i, b) in $0.enumerated() { result[typeAt + i] = b } }
        return result
    }
}

struct TestFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "veer-vector-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appending(path: name).path }

    /// Writes `bytes` to `name` and returns the path.
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ writer: GGUFWriter, to name: String) throws -> String {
        try write(writer.serialize(), to: name)
    }
}

/// Expects `body` to throw a `SteeringVectorError` for `file` of kind `kind`, whose message names the file.
func expectVectorError(_ file: String, _ kind: SteeringVectorError.Kind, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(kind), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SteeringVectorError {
        #expect(error.file == file, sourceLocation: sourceLocation)
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        #expect("\(error)".contains(file), sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(kind), got \(error)", sourceLocation: sourceLocation)
    }
}
