import KernelCases
import Kernels
import KernelsCPU
import KernelsReference
import TestSupport
import Testing

/// `Precision.q8` on the CPU backend: every q8 case against the reference's q8 matmul (same quantization, f64
/// scaling), and thread-count invariance.
@Suite struct Q8ParityTests {
    @Test(arguments: KernelCatalog.q8.map(\.name))
    func matchesTheQ8Reference(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.q8.first { $0.name == name })
        let result = try kernelCase.validate(on: CPUBackend(threads: 2, precision: .q8),
                                             reference: ReferenceBackend(precision: .q8))
        expectPassed(result, backend: "cpu q8")
        print("[cpu q8 \(QuantDot.activeVariantName)] \(name): NMSE \(result.nmse), max |error| \(result.maxAbs)")
    }

    @Test(arguments: KernelCatalog.q8.map(\.name))
    func threadCountDoesNotChangeResults(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.q8.first { $0.name == name })
        let one = try kernelCase.run(on: CPUBackend(threads: 1, precision: .q8))
        let three = try kernelCase.run(on: CPUBackend(threads: 3, precision: .q8))
        #expect(bitIdentical(one, three), "\(name): 1 and 3 threads differ")
    }

    /// q8 really is another arithmetic: its result differs from the f32 path, but only by activation rounding
    /// (within the `.reduced` class of the exact f32 reference).
    @Test(arguments: [DType.q4_1, .q4_0, .q8_0])
    func differsFromF32OnlyByActivationRounding(_ dtype: DType) throws {
        let kernelCase = MatmulCase(rows: 3, k: 576, n: 64, dtype: dtype)
        let exact = try kernelCase.run(on: ReferenceBackend())
        let q8 = try kernelCase.run(on: CPUBackend(threads: 2, precision: .q8))
        let f32 = try kernelCase.run(on: CPUBackend(threads: 2))
        #expect(!bitIdentical(q8, f32), "\(dtype): q8 gave the f32 result")
        let result = kernelCase.compare(q8, reference: exact)
        #expect(result.nmse <= ToleranceClass.reduced.nmseCeiling, "\(dtype): NMSE \(result.nmse) against exact f32")
        print("[cpu q8] \(dtype) 3x576x64 against the exact f32 reference: NMSE \(result.nmse)")
    }

    /// Float weights have no integer path: q8 mode runs them in f32, bit for bit.
    @Test(arguments: [DType.f32, .f16])
    func floatWeightsStayF32(_ dtype: DType) throws {
        let kernelCase = MatmulCase(rows: 3, k: 96, n: 33, dtype: dtype)
        let q8 = try kernelCase.run(on: CPUBackend(threads: 2, precision: .q8))
        let f32 = try kernelCase.run(on: CPUBackend(threads: 2))
        #expect(bitIdentical(q8, f32))
    }
}
