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

    /// A prototype must stay unit and unit coefficients are relative to alpha: scaling multiplies veer.strength.
    @Test func scalingARotateOrScaleUnitsVectorMultipliesItsStrength() throws {
        for vector in [try MethodVectorFiles.spherical(gated: true), try MethodVectorFiles.austeer()] {
            let scaled = try vector.scaled(by: -3)
            #expect(scaled.directions == vector.directions)
            #expect(scaled.info.strength == -3 * vector.info.strength!)
        }
        var bare = try MethodVectorFiles.spherical(gated: false)
        bare.info.strength = nil
        #expect(try bare.scaled(by: 0.5).info.strength == 0.5)
        #expect(throws: SteeringVectorError.self) { try MethodVectorFiles.austeer().scaled(by: 1e38) }
    }

    /// An ITI file (add with strength 15) scales like every add file: its directions, its strength kept.
    @Test func scalingAnItiVectorScalesItsDirections() throws {
        let scaled = try MethodVectorFiles.iti().scaled(by: 2)
        #expect(scaled.directions == [5: [0, 0, 3, -1, 0, 0]] && scaled.info.strength == 15)
    }

    @Test func rotateAndScaleUnitsVectorsCannotBeSummedOrNormalized() throws {
        for vector in [try MethodVectorFiles.spherical(gated: true), try MethodVectorFiles.austeer()] {
            #expect { try vector.adding(vector) } throws: { error in
                guard let error = error as? SteeringVectorError, case let .cannotCombine(_, reason) = error.kind else { return false }
                return reason.contains("only add vectors can be summed")
            }
            #expect { try vector.normalized() } throws: { error in
                guard let error = error as? SteeringVectorError, case let .invalidValue(key, _, _) = error.kind else { return false }
                return key == "veer.operation" && error.file == vector.name
            }
        }
    }

    /// Each side keeps its effect in a sum: different strengths are folded into the directions.
    @Test func addingVectorsOfDifferentStrengthsFoldsThem() throws {
        let a = try vector([1: [1, 2]], info: VectorInfo(strength: 2))
        let b = try vector([1: [10, 20], 2: [1, 1]], info: VectorInfo(strength: 0.5), name: "b.gguf")
        let sum = try a.adding(b)
        #expect(sum.directions == [1: [7, 14], 2: [0.5, 0.5]] && sum.info.strength == nil)
        let same = try a.adding(try vector([1: [1, 1]], info: VectorInfo(strength: 2), name: "c.gguf"))
        #expect(same.directions == [1: [2, 3]] && same.info.strength == 2)
    }

    @Test func addingVectorsThatSteerDifferentPositionsIsAnError() throws {
        let a = try vector([1: [1, 2]], info: VectorInfo(steeredPositions: .generated))
        let b = try vector([1: [1, 2]], name: "b.gguf")
        #expect { try a.adding(b) } throws: { error in
            guard let error = error as? SteeringVectorError, case let .cannotCombine(_, reason) = error.kind else { return false }
            return reason.contains("generated") && reason.contains("all")
        }
        #expect(try a.adding(try vector([1: [0, 1]], info: VectorInfo(steeredPositions: .generated), name: "c.gguf"))
                .info.steeredPositions == .generated)
    }
}
