import Kernels

/// A case whose first launch on a backend did not match the reference; the description names the case and why.
public struct CaseMismatch: Error, CustomStringConvertible {
    public var result: CaseResult
    public var description: String {
        "\(result.name): does not match the reference: " + (result.failure ?? "nmse \(result.nmse), max abs \(result.maxAbs)")
    }
}

extension KernelCase {
    /// Prepares the case on `backend`, launches it once and compares the outputs with `reference` (the reference
    /// backend's output of this case); returns the prepared case for timing, or throws `CaseMismatch`. Benchmarks
    /// use it so that a wrong kernel fails instead of reporting a speed.
    public func prepareValidated<B: ComputeBackend>(on backend: B, reference: CaseOutput) throws -> PreparedCase {
        let prepared = try prepare(on: backend)
        try prepared.issue()
        let result = compare(try prepared.readOutputs(), reference: reference)
        guard result.passed else { throw CaseMismatch(result: result) }
        return prepared
    }
}
