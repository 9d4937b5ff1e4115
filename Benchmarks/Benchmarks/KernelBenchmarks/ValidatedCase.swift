import KernelCases
import Kernels
import KernelsReference

/// A kernel case prepared on a backend after its first launch matched the plain reference.
enum ValidatedCase {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// Prepares `kernelCase` on `backend`, launches it once and compares the outputs with the reference backend's;
    /// throws `Mismatch` (naming the case and the error measures) when they differ beyond the case's tolerance.
    static func prepare<B: ComputeBackend>(_ kernelCase: any KernelCase, on backend: B) throws -> PreparedCase {
        let expected = try kernelCase.run(on: ReferenceBackend())
        let prepared = try kernelCase.prepare(on: backend)
        try prepared.issue()
        let result = kernelCase.compare(try prepared.readOutputs(), reference: expected)
        guard result.passed else {
            throw Mismatch(description: "\(kernelCase.name): does not match the reference: "
                + (result.failure ?? "nmse \(result.nmse), max abs \(result.maxAbs)"))
        }
        return prepared
    }
}
