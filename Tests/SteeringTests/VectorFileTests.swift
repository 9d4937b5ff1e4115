import Foundation
import GGUF
import Llama
import TestSupport
import Testing
@testable import Steering

/// Writing and reading vector files: Veer's own, llama.cpp's (the golden cvector-generator output) and repeng's.
@Suite("Vector files")
struct VectorFileTests {
    static let fullInfo = VectorInfo(
        method: "mean-diff", positions: "all", bos: "excluded", chatTemplate: "none",
        layerNorms: [1: 3.5, 2: 7.25, 5: 0], fingerprint: String(repeating: "0123456789abcdef", count: 4),
        modelHint: "llama", strengthRange: -2...4.5)

    @Test func everyRecordedFieldSurvivesARoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("full.gguf")
        let vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1), 3: VectorTestFiles.direction(block: 3)],
                                        info: Self.fullInfo)
        #expect(try vector.write(to: path).isEmpty)
        let read = try SteeringVector.load(path: path)
        #expect(read.directions == vector.directions)
        #expect(read.width == 4)
        #expect(read.info == Self.fullInfo)
        #expect(read.name == path)
    }

    /// What llama.cpp reads: exactly direction.N, N >= 1, F32 [width], in block order; its three keys with
    /// layer_count as int32; Veer's keys only as metadata.
    @Test func additiveFileHoldsOnlyWhatLlamaCppReads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("additive.gguf")
        let directions = [2: VectorTestFiles.direction(block: 2), 1: VectorTestFiles.direction(block: 1),
                          10: VectorTestFiles.direction(block: 10)]
        try SteeringVector(directions: directions, info: Self.fullInfo).write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.tensors.map(\.name) == ["direction.1", "direction.2", "direction.10"])
        #expect(file.tensors.allSatisfy { $0.dtype == .f32 && $0.shape == [4] })
        #expect(try file.metadata.string("general.architecture") == "controlvector")
        #expect(try file.metadata.string("controlvector.model_hint") == "llama")
        #expect(try file.metadata.int32("controlvector.layer_count") == 10)
        #expect(try file.metadata.uint32("veer.format_version") == 1)
        #expect(try file.metadata.string("veer.operation") == "add")
        #expect(try file.metadata.string("veer.site") == "resid_post")
        #expect(try file.metadata.int32Array("veer.layers") == [1, 2, 5])
        #expect(try file.metadata.float32Array("veer.layer_norms") == [3.5, 7.25, 0])
        #expect(try file.metadata.float32Array("veer.strength_range") == [-2, 4.5])
        #expect(file.metadata.keys.filter { !$0.hasPrefix("veer.") }
                == ["general.architecture", "controlvector.model_hint", "controlvector.layer_count"])
    }

    @Test func blockZeroMakesTheFileVeerOnlyAndSaysSo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("block0.gguf")
        let vector = try SteeringVector(directions: [0: VectorTestFiles.direction(block: 0), 1: VectorTestFiles.direction(block: 1)])
        let warnings = try vector.write(to: path)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("veer.direction.0") == true && warnings.first?.contains("llama.cpp") == true)
        #expect(warnings.first?.contains(path) == true)
        #expect(try GGUFFile(path: path).tensors.map(\.name) == ["veer.direction.0", "direction.1"])
        #expect(try SteeringVector.load(path: path).directions == vector.directions)
    }

    /// llama.cpp adds every direction.N at the block output, so a vector for another site must not be readable there.
    @Test func anotherSiteMakesEveryDirectionVeerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mid.gguf")
        let vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1), 2: VectorTestFiles.direction(block: 2)],
                                        info: VectorInfo(site: .residMid))
        let warnings = try vector.write(to: path)
        #expect(warnings.count == 1 && warnings.first?.contains("resid_mid") == true)
        #expect(try GGUFFile(path: path).tensors.map(\.name) == ["veer.direction.1", "veer.direction.2"])
        let read = try SteeringVector.load(path: path)
        #expect(read.info.site == .residMid && read.directions == vector.directions)
    }

    /// Both golden cvector-generator outputs (mean and PCA method) load as llama.cpp additive vectors at the block
    /// output and survive load -> write -> load bit for bit.
    @Test(arguments: ["cvector-happy.gguf", "cvector-happy-pca.gguf"])
    func llamaCppGoldenLoadsAsAdditiveAtTheBlockOutputAndRoundTripsExactly(_ name: String) throws {
        let golden = try SteeringVector.load(path: GoldenFile.vectorFile(name))
        #expect(golden.info.sourceFormat == .llamaCpp)
        #expect(golden.info.operation == .add && golden.info.site == .residPost)
        #expect(golden.info.modelHint == "llama" && golden.info.fingerprint == nil && golden.info.layerNorms.isEmpty)
        #expect(golden.width == 576)
        #expect(golden.blocks == Array(1...29))
        // The mean method L2-normalizes every direction; PCA's come out near 1 (golden gguf_layout.norm: 0.96-1.02).
        let tolerance: Float = name.contains("pca") ? 0.05 : 1e-4
        #expect(golden.directionNorms.values.allSatisfy { abs($0 - 1) < tolerance })

        let directory = try TemporaryDirectory()
        let path = directory.path(name)
        #expect(try golden.write(to: path).isEmpty)
        let again = try SteeringVector.load(path: path)
        #expect(again.directions == golden.directions)
        #expect(again.info.sourceFormat == .veer && again.info.convertedFrom == .llamaCpp)
        #expect(again.info.modelHint == "llama")
        #expect(try GGUFFile(path: path).metadata.int32("controlvector.layer_count") == 29)
    }

    @Test func repengFileLoadsWithItsUInt32LayerCount() throws {
        let vector = try SteeringVector.load(path: VectorTestFiles.repengFixture)
        #expect(vector.info.sourceFormat == .repeng)
        #expect(vector.info.operation == .add && vector.info.site == .residPost && vector.info.modelHint == "llama")
        #expect(vector.width == 8 && vector.blocks == [1, 2, 3])
        let pattern: [Float] = [1, -1, 2, -2, 3, -3, 4, -4]
        for block in 1...3 {
            #expect(vector.directions[block] == pattern.map { Float(block + 1) * 0.125 * $0 })
        }
    }

    /// A Veer file written by another writer (gguf-py, tools/vector-fixtures.py) reads like one Veer wrote.
    @Test func veerFileWrittenByGGUFPyLoadsWithItsBlockZero() throws {
        let vector = try SteeringVector.load(path: VectorTestFiles.fixtures.appending(path: "veer-block0-tiny.gguf").path)
        #expect(vector.info.sourceFormat == .veer && vector.info.method == "mean-diff" && vector.info.site == .residPost)
        let pattern: [Float] = [1, -1, 2, -2, 3, -3, 4, -4]
        #expect(vector.directions == [0: pattern.map { 0.125 * $0 }, 1: pattern.map { 0.25 * $0 }])
    }

    /// layer_count and model_hint are recorded, never trusted: a wrong count or a hint of another type changes nothing.
    @Test func layerCountAndModelHintAreNotTrusted() throws {
        let directory = try TemporaryDirectory()
        var writer = VectorTestFiles.llamaCppWriter(layerCount: 99)
        writer.set("controlvector.model_hint", .uint32(7))
        try writer.addTensor(name: "direction.2", shape: [4], values: VectorTestFiles.direction(block: 2))
        let vector = try SteeringVector.load(path: try directory.write(writer, to: "untrusted.gguf"))
        #expect(vector.blocks == [2] && vector.info.modelHint == nil && vector.info.sourceFormat == .llamaCpp)
    }

    /// ggml does not count trailing 1s as dimensions, so llama.cpp applies a [width, 1] direction; Veer too.
    @Test func trailingUnitDimensionIsOneDimensional() throws {
        let directory = try TemporaryDirectory()
        var writer = VectorTestFiles.llamaCppWriter()
        try writer.addTensor(name: "direction.1", shape: [4, 1], values: VectorTestFiles.direction(block: 1))
        let vector = try SteeringVector.load(path: try directory.write(writer, to: "column.gguf"))
        #expect(vector.width == 4 && vector.directions[1] == VectorTestFiles.direction(block: 1))
    }

    @Test func writeReplacesAnExistingFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("old contents".utf8), to: "replace.gguf")
        let vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1)])
        try vector.write(to: path)
        #expect(try SteeringVector.load(path: path).directions == vector.directions)
    }

    @Test func writeIntoAMissingDirectoryIsAnErrorNamingThePath() throws {
        let path = "/nonexistent-veer-dir/v.gguf"
        let vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1)])
        #expect { try vector.write(to: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case .cannotWrite = error.kind else { return false }
            return error.file == path
        }
    }
}
