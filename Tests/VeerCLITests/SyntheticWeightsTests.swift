import Kernels
import KernelsReference
import Testing
@testable import VeerCLI

/// `SyntheticModel.generate` in every weight type: whole rows in the type's layout whose weights stay small and
/// finite, as its doc promises (a wrong block size or scale would show here before a synthetic model misbehaves).
@Suite struct SyntheticWeightsTests {
    @Test(arguments: DType.allCases)
    func everyTypeGivesWholeRowsOfSmallFiniteWeights(type: DType) throws {
        var random = SplitMix64(seed: 3)
        let (rowLength, rows) = (512, 3)
        let bytes = SyntheticModel.generate(type, rowLength: rowLength, rows: rows, ones: false, random: &random)
        #expect(bytes.count == rows * type.rowBytes(rowLength))
        let weights = try Reference.dequantize(type, bytes, count: rows * rowLength)
        let largest = weights.map { abs($0) }.max() ?? .nan
        #expect(weights.allSatisfy(\.isFinite) && largest <= 0.1 && largest > 0.01, "\(type): largest |w| \(largest)")
    }
}
