import KernelCases
import Kernels
import KernelsCPU
import KernelsReference
import TestSupport
import Testing

/// Every small kernel case on the CPU backend against the plain f64 reference, then the CPU backend's determinism:
/// batch invariance, thread-count invariance and the Spherical guards.
@Suite struct CPUParityTests {
    @Test(arguments: KernelCatalog.small.map(\.name))
    func matchesTheReference(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.named(name))
        expectPassed(try kernelCase.validate(on: CPUBackend(threads: 2), reference: ReferenceBackend()), backend: "cpu")
    }

    /// Fixed chunking: one thread and three threads must agree bit for bit on every case.
    @Test(arguments: KernelCatalog.small.map(\.name))
    func threadCountDoesNotChangeResults(_ name: String) throws {
        let kernelCase = try #require(KernelCatalog.named(name))
        let one = try kernelCase.run(on: CPUBackend(threads: 1))
        let three = try kernelCase.run(on: CPUBackend(threads: 3))
        #expect(bitIdentical(one, three), "\(name): 1 and 3 threads differ")
    }

    @Test(arguments: DType.allCases)
    func matmulRowsAreBatchInvariant(_ dtype: DType) throws {
        try BatchInvariance.matmul(CPUBackend(threads: 2), dtype: dtype)
    }

    @Test func attentionRowsAreBatchInvariant() throws {
        try BatchInvariance.attention(CPUBackend(threads: 2))
    }

    @Test func ropeStoreRowsAreBatchInvariant() throws {
        try BatchInvariance.ropeStore(CPUBackend(threads: 2))
    }

    /// The fused ops give the bits of the ops they replace.
    @Test func ropeStoreEqualsRopeRopeAndKVStore() throws {
        try FusionEquivalence.ropeStore(CPUBackend(threads: 2))
    }

    @Test(arguments: DType.allCases)
    func normMatmulEqualsRMSNormThenMatmulAndIsBatchInvariant(_ dtype: DType) throws {
        try FusionEquivalence.normMatmul(CPUBackend(threads: 2), dtype: dtype)
    }

    @Test func residualSteerRowsAreBatchInvariant() throws {
        try BatchInvariance.residualSteer(CPUBackend(threads: 2))
    }

    @Test func sphericalGuardsHoldExactly() throws {
        try SphericalGuards.check(CPUBackend(threads: 2))
    }
}

/// Outputs equal bit for bit (NaN payloads included), which `==` on floats does not express.
func bitIdentical(_ a: CaseOutput, _ b: CaseOutput) -> Bool {
    guard a.tensors.count == b.tensors.count else { return false }
    for (x, y) in zip(a.tensors, b.tensors) {
        guard x.name == y.name else { return false }
        switch (x.values, y.values) {
        case let (.floats(u), .floats(v)):
            guard u.map(\.bitPattern) == v.map(\.bitPattern) else { return false }
        case let (.ids(u), .ids(v)):
            guard u == v else { return false }
        default: return false
        }
    }
    return true
}
