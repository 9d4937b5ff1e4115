import Foundation
import GGUF
import Testing
@testable import Steering

/// Veer's files read by gguf-py (tools/check-vector-layout.py) and Veer's fingerprint recomputed by an independent
/// Python implementation of the documented layout (tools/model-fingerprint.py).
@Suite("Python interop")
struct VectorInteropTests {
    @Test func pythonGGUFPresentUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(PythonGGUF.isAvailable, "CI=true but python3 with the gguf and numpy modules is missing: pip install gguf numpy")
        }
    }

    @Test(.enabled(if: PythonGGUF.isAvailable))
    func veerVectorHasExactlyTheLayoutLlamaCppReads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("veer.gguf")
        let directions = Dictionary(uniqueKeysWithValues: (1...3).map { ($0, VectorTestFiles.direction(block: $0, width: 8)) })
        try SteeringVector(directions: directions, info: VectorFileTests.fullInfo).write(to: path)
        let result = try PythonGGUF.tool("check-vector-layout.py", [path, "4", "8"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let keys = Dictionary(uniqueKeysWithValues: result.stdout.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        })
        #expect(keys["veer.format_version"] == "1")
        #expect(keys["veer.operation"] == "add" && keys["veer.site"] == "resid_post")
        #expect(keys["veer.layers"] == "[1, 2, 5]" && keys["veer.layer_norms"] == "[3.5, 7.25, 0.0]")
        #expect(keys["veer.model.fingerprint"] == VectorFileTests.fullInfo.fingerprint)
    }

    /// The layout check can fail: a block-0 vector (veer.direction.0) is exactly what llama.cpp refuses.
    @Test(.enabled(if: PythonGGUF.isAvailable))
    func blockZeroVectorFailsTheLayoutCheck() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("block0.gguf")
        try SteeringVector(directions: [0: VectorTestFiles.direction(block: 0), 1: VectorTestFiles.direction(block: 1)]).write(to: path)
        let result = try PythonGGUF.tool("check-vector-layout.py", [path, "4", "4"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("veer.direction.0"), "stderr: \(result.stderr)")
    }

    /// A file of each method passes gguf-py's reading of its documented layout (names, widths, keys, unit mu, k).
    @Test(.enabled(if: PythonGGUF.isAvailable), arguments: ["spherical-gated", "spherical-ungated", "austeer", "iti", "additive"])
    func methodFileHasItsDocumentedLayout(_ kind: String) throws {
        let vector = try #require(try MethodVectorFiles.all().first { $0.0 == kind }).1
        let directory = try TemporaryDirectory()
        let path = directory.path("\(kind).gguf")
        try vector.write(to: path)
        let result = try PythonGGUF.tool("check-vector-layout.py", [path, "6", String(vector.width)])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("veer.format_version\t2"))
        #expect(result.stdout.contains("veer.method\t\(vector.info.effectiveMethod.rawValue)"))
    }

    /// The layout check fails on what the documented layout rules out: here a prototype that is not unit.
    @Test(.enabled(if: PythonGGUF.isAvailable))
    func nonUnitPrototypeFailsTheLayoutCheck() throws {
        var writer = MethodVectorFiles.writer(operation: "rotate", keys: [("veer.spherical.gated", .bool(false))])
        try writer.addTensor(name: "veer.mu.1", shape: [4], values: [0.6, 0.8, 0.1, 0])
        let directory = try TemporaryDirectory()
        let path = try directory.write(writer, to: "bad-mu.gguf")
        let result = try PythonGGUF.tool("check-vector-layout.py", [path, "6", "4"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("veer.mu.1") && result.stderr.contains("unit prototype"), "stderr: \(result.stderr)")
    }

    @Test(.enabled(if: PythonGGUF.isAvailable))
    func goldenVectorRewrittenByVeerKeepsTheLlamaCppLayout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("happy.gguf")
        try SteeringVector.load(path: VectorTestFiles.goldenMeanVector).write(to: path)
        let result = try PythonGGUF.tool("check-vector-layout.py", [path, "30", "576"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("veer.converted_from\tllama.cpp"))
    }

    @Test(.enabled(if: PythonGGUF.isAvailable))
    func fingerprintMatchesTheIndependentPythonImplementation() throws {
        let directory = try TemporaryDirectory()
        for model in [ModelFingerprintTests.TinyModel(), { var m = ModelFingerprintTests.TinyModel(); m.pre = nil; return m }()] {
            let path = try directory.write(model.image(), to: "tiny.gguf")
            let result = try PythonGGUF.tool("model-fingerprint.py", [path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == (try model.fingerprint()))
        }
    }
}
