import Foundation
import GGUF
import Testing
@testable import Steering

/// Method files (format version 2) Veer must refuse, each with an error naming the file and the key or tensor.
@Suite("Bad method vector files")
struct BadMethodVectorFileTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    static let unitMu: [Float] = [0.6, 0.8, 0, 0]
    static let gate: [(String, GGUFValue)] = [("veer.spherical.gated", .bool(true)), ("veer.spherical.kappa", .float32(10)),
                                              ("veer.spherical.beta", .float32(-0.25))]

    /// A file with `operation` at `site`, `keys` (a later key replaces an earlier one) and `tensors` (name, values).
    func file(operation: String, site: String = "resid_post", version: UInt32 = 2, keys: [(String, GGUFValue)],
              tensors: [(String, [Float])]) throws -> String {
        var writer = MethodVectorFiles.writer(operation: operation, site: site, version: version, keys: keys)
        for (name, values) in tensors { try writer.addTensor(name: name, shape: [values.count], values: values) }
        return try directory.write(writer, to: "bad.gguf")
    }

    func rotateFile(keys: [(String, GGUFValue)], mu: [Float] = unitMu) throws -> String {
        try file(operation: "rotate", keys: keys, tensors: [("veer.mu.2", mu)])
    }

    /// Expects loading `path` to fail with an invalid value of `key` whose message holds each of `mentions`.
    func expectInvalid(_ path: String, key: String, mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let vector = try SteeringVector.load(path: path)
            Issue.record("loaded \(vector.info)", sourceLocation: sourceLocation)
        } catch let error as SteeringVectorError {
            guard case let .invalidValue(reported, _, _) = error.kind else {
                Issue.record("expected an invalid \(key), got \(error)", sourceLocation: sourceLocation); return
            }
            #expect(reported == key && error.file == path, "\(error)", sourceLocation: sourceLocation)
            for text in mentions { #expect("\(error)".contains(text), "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("expected an invalid \(key), got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// (key, a value of the wrong type, the type the message must name)
    @Test(arguments: [
        ("veer.method", GGUFValue.int32(1), "int32 1"),
        ("veer.positions", GGUFValue.uint32(3), "uint32 3"),
        ("veer.strength", GGUFValue.float64(0.5), "float64 0.5"),
        ("veer.spherical.gated", GGUFValue.uint8(1), "uint8 1"),
        ("veer.spherical.kappa", GGUFValue.int32(10), "int32 10"),
        ("veer.spherical.beta", GGUFValue.string("-0.25"), "string \"-0.25\""),
    ])
    func keyOfTheWrongType(_ key: String, _ value: GGUFValue, _ found: String) throws {
        let path = try rotateFile(keys: Self.gate + [(key, value)])
        expectInvalid(path, key: key, mentions: [found, "expected a"])
    }

    @Test func unitCountOfTheWrongType() throws {
        let path = try file(operation: "scale_units", keys: [("veer.austeer.k", .int32(3))], tensors: [("veer.units.1", [0, 1, 0, 0])])
        expectInvalid(path, key: "veer.austeer.k", mentions: ["int32 3", "a uint32"])
    }

    /// (key, a value of the right type out of range, text the message must hold)
    @Test(arguments: [
        ("veer.method", GGUFValue.string("caa"), "one of additive, spherical, austeer, iti"),
        ("veer.method", GGUFValue.string("additive"), "spherical in a file whose veer.operation is 'rotate'"),
        ("veer.positions", GGUFValue.string("sometimes"), "from:answer-start"),
        ("veer.strength", GGUFValue.float32(.nan), "finite"),
        ("veer.strength", GGUFValue.float32(.infinity), "finite"),
        ("veer.spherical.kappa", GGUFValue.float32(-.infinity), "finite"),
        ("veer.spherical.beta", GGUFValue.float32(1), "[-1, 1)"),
        ("veer.spherical.beta", GGUFValue.float32(-1.5), "[-1, 1)"),
    ])
    func keyOutOfRange(_ key: String, _ value: GGUFValue, _ expected: String) throws {
        let path = try rotateFile(keys: Self.gate + [(key, value)])
        expectInvalid(path, key: key, mentions: [expected])
    }

    @Test func gatedFileWithoutKappaOrBeta() throws {
        let noKappa = try rotateFile(keys: [("veer.spherical.gated", .bool(true)), ("veer.spherical.beta", .float32(0))])
        expectInvalid(noKappa, key: "veer.spherical.kappa", mentions: ["absent", "gated is true"])
        let noBeta = try rotateFile(keys: [("veer.spherical.gated", .bool(true)), ("veer.spherical.kappa", .float32(1))])
        expectInvalid(noBeta, key: "veer.spherical.beta", mentions: ["absent"])
    }

    @Test func ungatedFileWithKappaOrBeta() throws {
        let kappa = try rotateFile(keys: [("veer.spherical.gated", .bool(false)), ("veer.spherical.kappa", .float32(10))])
        expectInvalid(kappa, key: "veer.spherical.kappa", mentions: ["10.0", "absent when veer.spherical.gated is false"])
        let beta = try rotateFile(keys: [("veer.spherical.gated", .bool(false)), ("veer.spherical.beta", .float32(0.5))])
        expectInvalid(beta, key: "veer.spherical.beta", mentions: ["0.5"])
    }

    @Test func rotateFileWithoutItsGateFlag() throws {
        expectInvalid(try rotateFile(keys: []), key: "veer.spherical.gated", mentions: ["absent", "rotate"])
        let kappaOnly = try rotateFile(keys: [("veer.spherical.kappa", .float32(10))])
        expectInvalid(kappaOnly, key: "veer.spherical.gated", mentions: ["veer.spherical.kappa is present"])
    }

    @Test func gateOrUnitCountInAnAddFile() throws {
        let gate = try file(operation: "add", keys: [("veer.spherical.kappa", .float32(10))], tensors: [("direction.1", Self.unitMu)])
        expectInvalid(gate, key: "veer.spherical.kappa", mentions: ["only rotate files have a gate"])
        let k = try file(operation: "add", keys: [("veer.austeer.k", .uint32(2))], tensors: [("direction.1", Self.unitMu)])
        expectInvalid(k, key: "veer.austeer.k", mentions: ["absent in a file whose veer.operation is 'add'"])
    }

    @Test func fewerSelectedUnitsThanNonZeroCoefficients() throws {
        let path = try file(operation: "scale_units", keys: [("veer.austeer.k", .uint32(2))],
                            tensors: [("veer.units.1", [0, 1, 0, -1]), ("veer.units.2", [0.5, 0, 0, 0])])
        expectInvalid(path, key: "veer.austeer.k", mentions: ["the 3 non-zero units"])
    }

    @Test func prototypeThatIsNotAUnitVector() throws {
        let path = try rotateFile(keys: Self.gate, mu: [0.6, 0.8, 0.1, 0])
        expectVectorError(path, .notUnitNorm(tensor: "veer.mu.2", norm: SteeringVector.norm([0.6, 0.8, 0.1, 0]))) {
            _ = try SteeringVector.load(path: path)
        }
        // Within 1e-3 it is a unit vector, stored as is.
        let close: [Float] = [0.6, 0.8005, 0, 0]
        #expect(try SteeringVector.load(path: try rotateFile(keys: Self.gate, mu: close)).directions[2] == close)
    }

    @Test func rotationAwayFromTheBlockOutput() throws {
        let path = try file(operation: "rotate", site: "mlp_out", keys: Self.gate, tensors: [("veer.mu.2", Self.unitMu)])
        expectInvalid(path, key: "veer.site", mentions: ["'mlp_out'", "resid_post"])
    }

    @Test func itiAwayFromTheHeads() throws {
        let path = try file(operation: "add", keys: [("veer.method", .string("iti"))], tensors: [("direction.1", Self.unitMu)])
        expectInvalid(path, key: "veer.site", mentions: ["heads_concat for veer.method 'iti'"])
    }

    /// (operation, a tensor of another operation)
    @Test(arguments: [("add", "veer.mu.1"), ("add", "veer.units.1"), ("rotate", "direction.1"), ("rotate", "veer.units.1"),
                      ("scale_units", "veer.direction.1"), ("scale_units", "veer.mu.1")])
    func tensorOfAnotherOperation(_ operation: String, _ tensor: String) throws {
        let keys = operation == "rotate" ? Self.gate : []
        let path = try file(operation: operation, keys: keys, tensors: [(tensor, Self.unitMu)])
        expectVectorError(path, .tensorOfOtherOperation(tensor: tensor, operation: operation)) { _ = try SteeringVector.load(path: path) }
        let message = SteeringVectorError(file: path, .tensorOfOtherOperation(tensor: tensor, operation: operation)).description
        #expect(message.contains(tensor) && message.contains("'\(operation)'"))
    }

    @Test func versionOneFileWithVersionTwoContent() throws {
        let method = try file(operation: "add", version: 1, keys: [("veer.method", .string("additive"))], tensors: [("direction.1", Self.unitMu)])
        expectVectorError(method, .contentNeedsNewerVersion(version: 1, content: "key veer.method")) { _ = try SteeringVector.load(path: method) }
        let rotate = try file(operation: "rotate", version: 1, keys: Self.gate, tensors: [("veer.mu.1", Self.unitMu)])
        expectVectorError(rotate, .contentNeedsNewerVersion(version: 1, content: "veer.operation 'rotate'")) { _ = try SteeringVector.load(path: rotate) }
        // A file without veer.format_version (llama.cpp's, repeng's) cannot hold them either.
        var writer = VectorTestFiles.llamaCppWriter()
        writer.set("veer.strength", .float32(2))
        try writer.addTensor(name: "direction.1", shape: [4], values: Self.unitMu)
        let unversioned = try directory.write(writer, to: "unversioned.gguf")
        expectVectorError(unversioned, .contentNeedsNewerVersion(version: nil, content: "key veer.strength")) {
            _ = try SteeringVector.load(path: unversioned)
        }
        #expect(SteeringVectorError(file: unversioned, .contentNeedsNewerVersion(version: nil, content: "key veer.strength"))
                .description.contains("veer.format_version is absent"))
    }

    /// What the reader refuses cannot be built in memory or written either.
    @Test func vectorInMemoryIsCheckedLikeAFile() throws {
        let info = VectorInfo(operation: .rotate, sphericalGate: .ungated)
        expectVectorError("<vector>", .notUnitNorm(tensor: "veer.mu.1", norm: 2)) {
            _ = try SteeringVector(directions: [1: [2, 0]], info: info)
        }
        var vector = try MethodVectorFiles.spherical(gated: true)
        vector.info.sphericalGate = .gated(kappa: 1, beta: 2)
        let path = directory.path("refused.gguf")
        #expect { try vector.write(to: path) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .invalidValue(key, _, _) = error.kind else { return false }
            return key == "veer.spherical.beta" && error.file == path
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
