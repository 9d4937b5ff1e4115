import Testing
@testable import Steering

/// scale, add and normalize: the values, and what happens to the metadata that describes them.
@Suite("Vector arithmetic")
struct VectorArithmeticTests {
    func vector(_ directions: [Int: [Float]], info: VectorInfo = VectorInfo(), name: String = "a.gguf") throws -> SteeringVector {
        try SteeringVector(directions: directions, info: info, name: name)
    }

    @Test func scalingMultipliesEveryValueAndKeepsTheEffectiveStrengthRange() throws {
        let a = try vector([1: [1, -2], 4: [0.5, 3]], info: VectorInfo(method: "pca", strengthRange: 0.5...2))
        let scaled = try a.scaled(by: -2)
        #expect(scaled.directions == [1: [-2, 4], 4: [-1, -6]])
        #expect(scaled.info.strengthRange == -1 ... -0.25)
        #expect(scaled.info.method == "pca")
        #expect(try a.scaled(by: 0).info.strengthRange == nil)
    }

    @Test func scalingToNonFiniteValuesIsAnError() throws {
        let a = try vector([1: [1e30, 1]])
        #expect(throws: SteeringVectorError.self) { try a.scaled(by: 1e30) }
        #expect(throws: SteeringVectorError.self) { try a.scaled(by: .nan) }
    }

    @Test func addingSumsSharedBlocksAndKeepsTheRest() throws {
        let a = try vector([1: [1, 2], 2: [3, 4]], info: VectorInfo(method: "mean-diff", positions: "all", strengthRange: 1...2))
        let b = try vector([2: [10, 20], 3: [5, 6]], info: VectorInfo(method: "pca", positions: "all"), name: "b.gguf")
        let sum = try a.adding(b)
        #expect(sum.directions == [1: [1, 2], 2: [13, 24], 3: [5, 6]])
        #expect(sum.info.method == nil && sum.info.positions == "all" && sum.info.strengthRange == nil)
    }

    @Test func addingRefusesVectorsThatDoNotCombine() throws {
        let a = try vector([1: [1, 2]], info: VectorInfo(fingerprint: String(repeating: "1", count: 64)))
        let wide = try vector([1: [1, 2, 3]], name: "wide.gguf")
        let otherModel = try vector([1: [1, 2]], info: VectorInfo(fingerprint: String(repeating: "2", count: 64)), name: "other.gguf")
        let otherSite = try vector([1: [1, 2]], info: VectorInfo(site: .mlpOut), name: "mlp.gguf")
        for other in [wide, otherModel, otherSite] {
            #expect { try a.adding(other) } throws: { error in
                guard let error = error as? SteeringVectorError, case let .cannotCombine(name, _) = error.kind else { return false }
                return name == other.name && error.file == "a.gguf"
            }
        }
    }

    @Test func normalizingGivesUnitNormsAndLeavesZeroAlone() throws {
        let a = try vector([1: [3, 4], 2: [0, 0], 3: [-1e-3, 0]], info: VectorInfo(strengthRange: 1...4))
        let unit = try a.normalized()
        #expect(unit.directions[1] == [0.6, 0.8])
        #expect(unit.directions[2] == [0, 0])
        #expect(unit.directions[3] == [-1, 0])
        #expect(unit.info.strengthRange == nil)
    }
}
