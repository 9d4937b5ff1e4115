import Foundation
import GGUF
import TestSupport
import Testing
@testable import Steering

/// `veer sweep --write-range`: the recommended range goes into a vector file's metadata and nothing else changes.
@Suite("Recording a strength range in a vector file")
struct StrengthRangeRecordTests {
    /// Every metadata key but veer.strength_range, and every tensor, as (name, shape, type, bytes).
    func contents(_ path: String) throws -> (keys: [String], values: [String], tensors: [String: [UInt8]]) {
        let file = try GGUFFile(path: path)
        let keys = file.metadata.keys.filter { $0 != VectorFileKey.strengthRange }
        let tensors = Dictionary(uniqueKeysWithValues: file.tensors.map { ("\($0.name) \($0.shape) \($0.dtype)", Array(file.bytes(of: $0))) })
        return (keys, keys.map { "\(file.metadata[$0]!)" }, tensors)
    }

    @Test func theRangeIsRecordedAndEverythingElseKept() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path("happy.gguf")
        try FileManager.default.copyItem(atPath: try VectorTestFiles.goldenMeanVector, toPath: path)
        let before = try contents(path)
        #expect(try SteeringVector.load(path: path).info.strengthRange == nil)

        try SteeringVector.recordStrengthRange(-2...3.5, inFileAt: path)
        let recorded = try SteeringVector.load(path: path)
        #expect(recorded.info.strengthRange == -2...3.5)
        let after = try contents(path)
        #expect(after.keys == before.keys && after.values == before.values)
        #expect(after.tensors == before.tensors)
        #expect(recorded.info.sourceFormat == (try SteeringVector.load(path: try VectorTestFiles.goldenMeanVector)).info.sourceFormat)

        // Again: the range is replaced, not added twice.
        try SteeringVector.recordStrengthRange(-1...1, inFileAt: path)
        let file = try GGUFFile(path: path)
        #expect(file.metadata.keys.filter { $0 == VectorFileKey.strengthRange }.count == 1)
        #expect(try SteeringVector.load(path: path).info.strengthRange == -1...1)
    }

    @Test func nonFiniteRangesAndNonVectorsAreRefusedAndLeaveTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { withExtendedLifetime(directory) {} }
        let path = directory.path("happy.gguf")
        try FileManager.default.copyItem(atPath: try VectorTestFiles.goldenMeanVector, toPath: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            try SteeringVector.recordStrengthRange(-Float.infinity...1, inFileAt: path)
        } throws: { "\($0)".contains(path) && "\($0)".contains(VectorFileKey.strengthRange) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        let notAVector = directory.path("text.gguf")
        try Data("not a gguf".utf8).write(to: URL(fileURLWithPath: notAVector))
        #expect { try SteeringVector.recordStrengthRange(0...1, inFileAt: notAVector) } throws: { "\($0)".contains(notAVector) }
    }
}
