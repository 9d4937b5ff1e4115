import KernelCases
import Kernels
import KernelsReference
import Testing

/// The cases exercise what they claim: the selection rows hold real ties, NaN, infinities and an all-zero row, and
/// the reference reports them as specified (-1 for non-finite rows, the lowest id on ties).
@Suite struct CaseInputTests {
    @Test func selectionRowsHoldEveryAwkwardKind() throws {
        let width = 1000
        var random = SplitMix64(seed: "argmax_9x1000")   // the inputs of the argmax_9x1000 case
        let x = random.selectionRows(rows: 9, width: width)
        func row(_ r: Int) -> ArraySlice<Float> { x[r * width ..< (r + 1) * width] }
        #expect(row(1).filter { $0 == 5 }.count >= 2, "row 1 needs a tied maximum")
        #expect(row(2).contains { $0.isNaN })
        #expect(row(3).contains(.infinity))
        #expect(row(4).contains(-.infinity))
        #expect(row(5).allSatisfy { $0 == 0 })
        #expect(Set(row(8)).count <= 8, "row 8 holds few distinct levels")

        let kernelCase = try #require(KernelCatalog.named("argmax_9x1000"))
        let output = try kernelCase.run(on: ReferenceBackend())
        guard case let .ids(ids) = try #require(output.tensors.first).values else {
            Issue.record("argmax outputs ids")
            return
        }
        #expect(ids[1] == Int32(row(1).firstIndex(of: 5)! - width), "ties go to the lowest id")
        #expect(ids[2] == -1 && ids[3] == -1 && ids[4] == -1, "non-finite rows report -1, got \(ids[2...4])")
        #expect(ids[5] == 0 && ids[7] == 0, "constant rows pick id 0")
        #expect(ids[6] == Int32(width - 1))
    }
}
