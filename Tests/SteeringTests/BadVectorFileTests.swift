import Foundation
import GGUF
import Testing
@testable import Steering

/// Files Veer must refuse, each with an error that names the file and the problem.
@Suite("Bad vector files")
struct BadVectorFileTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    /// A llama.cpp-style file with one tensor per entry of `tensors` (name, shape, values).
    func file(_ name: String, tensors: [(String, [Int], [Float])], edit: (inout GGUFWriter) -> Void = { _ in }) throws -> String {
        var writer = VectorTestFiles.llamaCppWriter()
        edit(&writer)
        for (tensor, shape, values) in tensors { try writer.addTensor(name: tensor, shape: shape, values: values) }
        return try directory.write(writer, to: name)
    }

    func direction(_ block: Int, width: Int = 4) -> (String, [Int], [Float]) {
        ("direction.\(block)", [width], VectorTestFiles.direction(block: block, width: width))
    }

    @Test func directionsOfDifferentWidths() throws {
        let path = try file("widths.gguf", tensors: [direction(1), direction(2, width: 5)])
        expectVectorError(path, .widthMismatch(tensor: "direction.2", width: 5, expected: 4, expectedFrom: "direction.1")) {
            _ = try SteeringVector.load(path: path)
        }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteValue(_ bad: Float) throws {
        var values = VectorTestFiles.direction(block: 3)
        values[2] = bad
        let path = try file("nonfinite.gguf", tensors: [direction(1), ("direction.3", [4], values)])
        do {
            _ = try SteeringVector.load(path: path)
            Issue.record("a \(bad) value was accepted")
        } catch let error as SteeringVectorError {
            guard case let .nonFinite(tensor, index, value) = error.kind else { Issue.record("\(error)"); return }
            #expect(tensor == "direction.3" && index == 2 && (value.isNaN ? bad.isNaN : value == bad))
            #expect(error.file == path)
        }
    }

    @Test func noDirectionTensors() throws {
        let path = try file("empty.gguf", tensors: [])
        expectVectorError(path, .noDirections) { _ = try SteeringVector.load(path: path) }
    }

    /// cvector-style file holding direction.0: llama.cpp refuses it, so does Veer, pointing at veer.direction.0.
    @Test func llamaCppStyleBlockZero() throws {
        let path = try file("zero.gguf", tensors: [("direction.0", [4], VectorTestFiles.direction(block: 0)), direction(1)])
        expectVectorError(path, .llamaCppBlockZero) { _ = try SteeringVector.load(path: path) }
    }

    @Test func twoDimensionalTensor() throws {
        let path = try file("matrix.gguf", tensors: [("direction.1", [4, 2], Array(repeating: 0.5, count: 8))])
        expectVectorError(path, .notOneDimensional(tensor: "direction.1", shape: [4, 2])) { _ = try SteeringVector.load(path: path) }
    }

    @Test func halfPrecisionTensor() throws {
        var writer = VectorTestFiles.llamaCppWriter()
        try writer.addTensor(name: "direction.1", shape: [4], values: VectorTestFiles.direction(block: 1))
        let image = try VectorTestFiles.settingTensorType(writer.serialize(), tensor: "direction.1", to: 1)
        let path = try directory.write(image, to: "f16.gguf")
        expectVectorError(path, .notF32(tensor: "direction.1", type: "F16")) { _ = try SteeringVector.load(path: path) }
    }

    @Test(arguments: ["direction.x", "direction.+1", "direction.", "control.direction.1", "veer.mu.x", "veer.units.-1"])
    func tensorThatIsNotADirection(_ name: String) throws {
        let path = try file("names.gguf", tensors: [direction(1), (name, [4], VectorTestFiles.direction(block: 2))])
        expectVectorError(path, .unknownTensor(name: name)) { _ = try SteeringVector.load(path: path) }
    }

    @Test func twoTensorsForOneBlock() throws {
        let path = try file("twice.gguf", tensors: [direction(2), ("veer.direction.2", [4], VectorTestFiles.direction(block: 2))])
        expectVectorError(path, .duplicateBlock(block: 2, first: "direction.2", second: "veer.direction.2")) {
            _ = try SteeringVector.load(path: path)
        }
    }

    @Test func truncatedFile() throws {
        var writer = VectorTestFiles.llamaCppWriter()
        try writer.addTensor(name: "direction.1", shape: [64], values: Array(repeating: 0.25, count: 64))
        let image = try writer.serialize()
        let path = try directory.write(Array(image.dropLast(100)), to: "truncated.gguf")
        #expect { try SteeringVector.load(path: path) } throws: { error in
            (error as? GGUFError)?.file == path && "\(error)".contains("direction.1")
        }
    }

    @Test func modelFileIsNotAVector() throws {
        let path = try file("model.gguf", tensors: [direction(1)]) { $0.set("general.architecture", .string("llama")) }
        expectVectorError(path, .notAControlVector(architecture: "llama")) { _ = try SteeringVector.load(path: path) }
    }

    @Test func unknownFormatVersion() throws {
        let path = try file("v3.gguf", tensors: [direction(1)]) { $0.set("veer.format_version", .uint32(3)) }
        expectVectorError(path, .unsupportedFormatVersion(3)) { _ = try SteeringVector.load(path: path) }
        #expect(SteeringVectorError(file: path, .unsupportedFormatVersion(3)).description.contains("newer Veer"))
        let zero = try file("v0.gguf", tensors: [direction(1)]) { $0.set("veer.format_version", .uint32(0)) }
        expectVectorError(zero, .unsupportedFormatVersion(0)) { _ = try SteeringVector.load(path: zero) }
    }

    @Test func formatVersionOfTheWrongType() throws {
        let path = try file("v-int.gguf", tensors: [direction(1)]) { $0.set("veer.format_version", .int32(1)) }
        #expect { try SteeringVector.load(path: path) } throws: { error in
            (error as? GGUFError) == GGUFError(file: path, .typeMismatch(key: "veer.format_version", expected: "uint32", found: "int32"))
        }
    }

    /// An operation this build cannot apply is refused, never applied as `add`.
    @Test func unsupportedOperation() throws {
        let path = try file("shear.gguf", tensors: [direction(1)]) {
            $0.set("veer.format_version", .uint32(2))
            $0.set("veer.operation", .string("shear"))
        }
        expectVectorError(path, .unsupportedOperation("shear")) { _ = try SteeringVector.load(path: path) }
    }

    @Test func unknownSite() throws {
        let path = try file("site.gguf", tensors: [direction(1)]) { $0.set("veer.site", .string("resid_pre")) }
        #expect { try SteeringVector.load(path: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .invalidValue(key, value, _) = error.kind else { return false }
            return key == "veer.site" && value == "'resid_pre'" && error.file == path
        }
    }

    @Test func layerNormsWithoutTheirBlocks() throws {
        let path = try file("norms.gguf", tensors: [direction(1)]) {
            $0.set("veer.layer_norms", .array(.float32([1, 2])))
        }
        #expect { try SteeringVector.load(path: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .invalidValue(key, _, _) = error.kind else { return false }
            return key == "veer.layers"
        }
    }

    /// (key set, its value, the key the error must name)
    @Test(arguments: [
        ("veer.layers", GGUFValue.array(.int32([1, 2, 3])), "veer.layer_norms"),   // three blocks, two norms
        ("veer.layers", GGUFValue.array(.int32([1, 1])), "veer.layers"),           // a block twice
        ("veer.layer_norms", GGUFValue.array(.float32([1, -1])), "veer.layer_norms"),
        ("veer.strength_range", GGUFValue.array(.float32([2, 1])), "veer.strength_range"),  // lowest above highest
        ("veer.strength_range", GGUFValue.array(.float32([1])), "veer.strength_range"),
        ("veer.model.fingerprint", GGUFValue.string("ABCDEF"), "veer.model.fingerprint"),
        ("veer.converted_from", GGUFValue.string("safetensors"), "veer.converted_from"),
    ])
    func invalidVeerValue(_ key: String, _ value: GGUFValue, _ named: String) throws {
        let path = try file("invalid.gguf", tensors: [direction(1)]) {
            $0.set("veer.layers", .array(.int32([1, 2])))
            $0.set("veer.layer_norms", .array(.float32([1, 2])))
            $0.set(key, value)
        }
        #expect { try SteeringVector.load(path: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .invalidValue(reported, _, _) = error.kind else { return false }
            return reported == named && error.file == path && "\(error)".contains(named)
        }
    }

    @Test func vectorBuiltInMemoryIsCheckedToo() throws {
        expectVectorError("<vector>", .widthMismatch(tensor: "direction.2", width: 3, expected: 4, expectedFrom: "direction.1")) {
            _ = try SteeringVector(directions: [1: [0, 0, 0, 0], 2: [0, 0, 0]])
        }
        expectVectorError("<vector>", .noDirections) { _ = try SteeringVector(directions: [:]) }
        expectVectorError("<vector>", .emptyDirection(tensor: "direction.1")) { _ = try SteeringVector(directions: [1: []]) }
    }

    @Test func writerRefusesMetadataItCouldNotReadBack() throws {
        var vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1)])
        vector.info.fingerprint = "not-a-fingerprint"
        let path = directory.path("refused.gguf")
        #expect { try vector.write(to: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .invalidValue(key, _, _) = error.kind else { return false }
            return key == "veer.model.fingerprint" && error.file == path
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
