import KernelCases
import Kernels
import Testing

/// The comparison rules every parity verdict rests on: it must fail where a kernel is wrong, not only pass.
@Suite struct ComparisonTests {
    private func compare(_ output: CaseOutput, _ reference: CaseOutput, _ tolerance: ToleranceClass) -> CaseResult {
        output.compared(to: reference, tolerance: tolerance, name: "test_case", kernel: .softmax)
    }

    private let reference: [Float] = (0..<4096).map { Float(($0 * 37) % 101) / 50 - 1 }

    @Test func identicalOutputsPassWithZeroError() {
        let result = compare(CaseOutput([.floats("y", reference)]), CaseOutput([.floats("y", reference)]), .elementwise)
        #expect(result.passed && result.nmse == 0 && result.maxAbs == 0)
    }

    @Test func roundingNoiseWithinTheCeilingPasses() {
        let noisy = reference.map { $0 * (1 + 1e-6) }
        let result = compare(CaseOutput([.floats("y", noisy)]), CaseOutput([.floats("y", reference)]), .elementwise)
        #expect(result.passed, "\(result.failure ?? "")")
        #expect(result.nmse > 0 && result.nmse < 1e-11)
    }

    /// One fully wrong element among 4096 has an NMSE of about 2.6e-4: inside the reduced-precision ceiling, so only
    /// the max-abs bound catches it.
    @Test func oneWrongElementFailsEvenWhenTheMeanErrorIsSmall() {
        var wrong = reference
        wrong[1234] += 0.6
        let result = compare(CaseOutput([.floats("y", wrong)]), CaseOutput([.floats("y", reference)]), .reduced)
        #expect(result.nmse < ToleranceClass.reduced.nmseCeiling)
        #expect(!result.passed)
        #expect(result.failure?.contains("element 1234") == true, "\(result.failure ?? "")")
    }

    @Test func nonFiniteValuesMustMatchInPlaceAndValue() {
        let withNaN: [Float] = [1, .nan, .infinity, 2]
        #expect(compare(CaseOutput([.floats("v", withNaN)]), CaseOutput([.floats("v", withNaN)]), .exact).passed)
        let moved: [Float] = [1, 2, .infinity, .nan]
        #expect(!compare(CaseOutput([.floats("v", moved)]), CaseOutput([.floats("v", withNaN)]), .exact).passed)
        let flipped: [Float] = [1, .nan, -.infinity, 2]
        #expect(!compare(CaseOutput([.floats("v", flipped)]), CaseOutput([.floats("v", withNaN)]), .exact).passed)
    }

    @Test func exactCasesRejectTheSmallestDifference() {
        let nudged = reference.enumerated().map { $0.offset == 10 ? $0.element.nextUp : $0.element }
        #expect(!compare(CaseOutput([.floats("v", nudged)]), CaseOutput([.floats("v", reference)]), .exact).passed)
    }

    @Test func idsCompareExactly() {
        let ids: [Int32] = [3, -1, 0, 7]
        #expect(compare(CaseOutput([.ids("ids", ids)]), CaseOutput([.ids("ids", ids)]), .exact).passed)
        let result = compare(CaseOutput([.ids("ids", [3, -1, 1, 7])]), CaseOutput([.ids("ids", ids)]), .exact)
        #expect(!result.passed)
        #expect(result.failure == "ids[2] = 1, reference 0")
    }

    @Test func missingOrMisshapenTensorsFail() {
        let full = CaseOutput([.floats("x", [1, 2]), .floats("trace", [0, 1, 1, 0])])
        #expect(!compare(CaseOutput([.floats("x", [1, 2])]), full, .elementwise).passed)
        #expect(!compare(CaseOutput([.floats("x", [1, 2, 3]), .floats("trace", [0, 1, 1, 0])]), full, .elementwise).passed)
    }

    @Test func allZeroReferenceNeedsAnAllZeroOutput() {
        let zeros = [Float](repeating: 0, count: 8)
        #expect(compare(CaseOutput([.floats("x", zeros)]), CaseOutput([.floats("x", zeros)]), .elementwise).passed)
        var off = zeros
        off[3] = 1e-3
        #expect(!compare(CaseOutput([.floats("x", off)]), CaseOutput([.floats("x", zeros)]), .elementwise).passed)
    }
}
