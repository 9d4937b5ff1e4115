import Kernels

extension KernelCase {
    /// Runs the case on `backend` and on `reference` (the plain f64 oracle) and compares the outputs.
    public func validate<B: ComputeBackend, R: ComputeBackend>(on backend: B, reference: R) throws -> CaseResult {
        let expected = try run(on: reference)
        return try run(on: backend).compared(to: expected, tolerance: tolerance, name: name, kernel: kernel)
    }

    /// Compares an output of this case with the reference's output.
    public func compare(_ output: CaseOutput, reference: CaseOutput) -> CaseResult {
        output.compared(to: reference, tolerance: tolerance, name: name, kernel: kernel)
    }
}
