import Foundation
import GGUF
import Testing
@testable import Steering

/// Vector files of every steering method (format version 2): what they hold on disk, and that they survive
/// write -> read and file -> entry -> file.
@Suite("Method vector files")
struct MethodVectorFileTests {
    @Test(arguments: ["spherical-gated", "spherical-ungated", "austeer", "iti", "additive"])
    func roundTripKeepsDirectionsAndEveryKey(_ kind: String) throws {
        let vector = try #require(try MethodVectorFiles.all().first { $0.0 == kind }).1
        let directory = try TemporaryDirectory()
        let path = directory.path("\(kind).gguf")
        try vector.write(to: path)
        let read = try SteeringVector.load(path: path)
        #expect(read.directions == vector.directions)
        #expect(read.info == vector.info)
        #expect(try GGUFFile(path: path).metadata.uint32("veer.format_version") == 2)
    }

    @Test func sphericalFileLayout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("spherical.gguf")
        let warnings = try MethodVectorFiles.spherical(gated: true).write(to: path)
        #expect(warnings.count == 1 && warnings[0].contains("veer.mu.N") && warnings[0].contains("llama.cpp will refuse"))
        let file = try GGUFFile(path: path)
        #expect(file.tensors.map(\.name) == ["veer.mu.2", "veer.mu.3"])
        let metadata = file.metadata
        #expect(try metadata.string("veer.operation") == "rotate" && metadata.string("veer.site") == "resid_post")
        #expect(try metadata.string("veer.method") == "spherical" && metadata.string("veer.positions") == "from:prompt-end")
        #expect(try metadata.float32("veer.strength") == 0.5)
        #expect(try metadata.bool("veer.spherical.gated") == true)
        #expect(try metadata.float32("veer.spherical.kappa") == 10 && metadata.float32("veer.spherical.beta") == -0.25)
        #expect(!metadata.contains("veer.austeer.k"))
    }

    @Test func ungatedSphericalFileHasNoKappaOrBeta() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ungated.gguf")
        try MethodVectorFiles.spherical(gated: false).write(to: path)
        let metadata = try GGUFFile(path: path).metadata
        #expect(try metadata.bool("veer.spherical.gated") == false)
        #expect(!metadata.contains("veer.spherical.kappa") && !metadata.contains("veer.spherical.beta"))
    }

    @Test func austeerFileLayout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("austeer.gguf")
        try MethodVectorFiles.austeer().write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.tensors.map(\.name) == ["veer.units.1", "veer.units.4"])
        #expect(file.tensors.allSatisfy { $0.dtype == .f32 && $0.shape == [4] })
        #expect(try file.metadata.string("veer.operation") == "scale_units" && file.metadata.string("veer.site") == "mlp_out")
        #expect(try file.metadata.uint32("veer.austeer.k") == 3 && file.metadata.float32("veer.strength") == 20)
    }

    @Test func itiFileIsAnAddAtTheHeadsWithItsAlpha() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("iti.gguf")
        try MethodVectorFiles.iti().write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.tensors.map(\.name) == ["veer.direction.5"])
        #expect(try file.metadata.string("veer.operation") == "add" && file.metadata.string("veer.site") == "heads_concat")
        #expect(try file.metadata.string("veer.method") == "iti" && file.metadata.string("veer.positions") == "from:answer-start")
        #expect(try file.metadata.float32("veer.strength") == 15)
    }

    /// llama.cpp would add the directions at strength 1 everywhere: a strength or a position policy of its own makes
    /// an additive file Veer-only, with a warning that says why.
    @Test func additiveFileWithItsOwnStrengthIsVeerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("caa.gguf")
        let warnings = try MethodVectorFiles.additive().write(to: path)
        #expect(warnings.count == 1 && warnings[0].contains("veer.strength is 2.0"))
        #expect(try GGUFFile(path: path).tensors.map(\.name) == ["veer.direction.1"])

        var positionsOnly = try MethodVectorFiles.additive()
        positionsOnly.info.strength = nil
        let positionsPath = directory.path("generated.gguf")
        let positionWarnings = try positionsOnly.write(to: positionsPath)
        #expect(positionWarnings.count == 1 && positionWarnings[0].contains("veer.positions is generated"))
        #expect(try GGUFFile(path: positionsPath).tensors.map(\.name) == ["veer.direction.1"])
    }

    /// veer.method alone (strength 1, every position) changes nothing llama.cpp does: direction.N, version 2.
    @Test func additiveFileWithOnlyItsMethodStaysReadableByLlamaCpp() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("plain.gguf")
        let vector = try SteeringVector(directions: [1: VectorTestFiles.direction(block: 1)],
                                        info: VectorInfo(steeringMethod: .additive, steeredPositions: .all, strength: 1))
        #expect(try vector.write(to: path).isEmpty)
        let file = try GGUFFile(path: path)
        #expect(file.tensors.map(\.name) == ["direction.1"])
        #expect(try file.metadata.uint32("veer.format_version") == 2)
    }

    @Test func gatedSphericalFileBecomesGatedRotationsAtItsAlpha() throws {
        let entry = try SteeringEntry(vector: try loadedCopy(MethodVectorFiles.spherical(gated: true)))
        #expect(entry.method == .spherical && entry.positions == .fromPromptEnd && entry.strength == 0.5)
        #expect(entry.interventions == [
            .rotate(block: 2, rotation: SphericalRotation(mu: [0.6, 0.8, 0, 0], kappa: 10, alpha: 1, beta: -0.25)),
            .rotate(block: 3, rotation: SphericalRotation(mu: [0, 0, -0.8, 0.6], kappa: 10, alpha: 1, beta: -0.25)),
        ])
        // FILE:S multiplies veer.strength: alpha 0.5 x 3.
        #expect(try SteeringEntry(vector: try MethodVectorFiles.spherical(gated: true), strength: 3).applied.first
                == .rotate(block: 2, rotation: SphericalRotation(mu: [0.6, 0.8, 0, 0], kappa: 10, alpha: 1.5, beta: -0.25)))
    }

    @Test func ungatedSphericalFileTurnsByItsStrength() throws {
        let entry = try SteeringEntry(vector: try loadedCopy(MethodVectorFiles.spherical(gated: false)))
        guard case let .rotate(_, rotation)? = entry.applied.first else { Issue.record("\(entry)"); return }
        #expect(!rotation.isGated && rotation.ungatedT == 0.25)
    }

    @Test func austeerFileScalesItsNonZeroUnits() throws {
        let entry = try SteeringEntry(vector: try loadedCopy(MethodVectorFiles.austeer()))
        #expect(entry.method == .austeer && entry.strength == 20 && entry.positions == nil)
        #expect(entry.interventions == [
            .scaleUnits(block: 1, site: .mlpOut, units: [.init(index: 1, coefficient: 0.75), .init(index: 3, coefficient: -0.5)], alpha: 1),
            .scaleUnits(block: 4, site: .mlpOut, units: [.init(index: 0, coefficient: 1)], alpha: 1),
        ])
    }

    @Test func itiFileAddsAtTheHeads() throws {
        let entry = try SteeringEntry(vector: try loadedCopy(MethodVectorFiles.iti()))
        #expect(entry.method == .iti && entry.strength == 15 && entry.positions == .fromAnswerStart)
        #expect(entry.interventions == [.add(block: 5, site: .headsConcat, vector: [0, 0, 1.5, -0.5, 0, 0])])
    }

    /// file -> entry -> file gives the same directions and method keys (what a JSON spec converted to a file holds).
    @Test(arguments: ["spherical-gated", "spherical-ungated", "austeer", "iti", "additive"])
    func entryConvertsBackToTheSameFile(_ kind: String) throws {
        let vector = try #require(try MethodVectorFiles.all().first { $0.0 == kind }).1
        let entry = try SteeringEntry(vector: try loadedCopy(vector))
        let back = try SteeringVector(entries: [entry], name: "back.gguf", model: MethodVectorFiles.model)
        #expect(back.directions == vector.directions)
        #expect(back.info.operation == vector.info.operation && back.info.site == vector.info.site)
        #expect(back.info.steeringMethod == vector.info.steeringMethod && back.info.steeredPositions == vector.info.steeredPositions)
        #expect(back.info.strength == vector.info.strength && back.info.sphericalGate == vector.info.sphericalGate)
    }

    /// The vector as a file would give it back.
    private func loadedCopy(_ vector: SteeringVector) throws -> SteeringVector {
        let directory = try TemporaryDirectory()
        let path = directory.path("copy.gguf")
        try vector.write(to: path)
        return try SteeringVector.load(path: path)
    }
}
