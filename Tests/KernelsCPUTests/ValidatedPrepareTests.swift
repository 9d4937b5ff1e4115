import KernelCases
import Kernels
import KernelsCPU
import KernelsReference
import Testing

/// `prepareValidated`, which the Benchmarks package runs before timing a case.
@Suite struct ValidatedPrepareTests {
    static let kernelCase = MatmulCase(rows: 1, k: 96, n: 33, dtype: .q4_1)

    @Test func aMatchingCaseComesBackPreparedForTiming() throws {
        let cpu = CPUBackend(threads: 2)
        let reference = try Self.kernelCase.run(on: ReferenceBackend())
        let prepared = try Self.kernelCase.prepareValidated(on: cpu, reference: reference)
        try prepared.issue()
        #expect(Self.kernelCase.compare(try prepared.readOutputs(), reference: reference).passed)
    }

    @Test func aMismatchThrowsNamingTheCase() throws {
        var wrong = try Self.kernelCase.run(on: ReferenceBackend())
        guard case .floats(let values) = wrong.tensors[0].values else { Issue.record("matmul output is not floats"); return }
        wrong.tensors[0].values = .floats(values.map { $0 + 1 })
        let error = #expect(throws: CaseMismatch.self) {
            _ = try Self.kernelCase.prepareValidated(on: CPUBackend(threads: 1), reference: wrong)
        }
        #expect(error?.description.hasPrefix("\(Self.kernelCase.name): does not match the reference") == true)
        #expect(error?.result.passed == false)
    }
}
