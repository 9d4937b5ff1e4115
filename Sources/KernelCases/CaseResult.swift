import Kernels

/// How a backend's output of one case compares with the plain reference.
///
/// `nmse` = mse(reference, output) / mse(reference, 0), the largest over the case's float tensors (llama.cpp's
/// test-backend-ops measure); `maxAbs` = the largest |reference - output| over all float tensors. A case passes when
/// every tensor's NMSE is within the tolerance class's ceiling, its max-abs within √ceiling · max|reference| (NMSE is a
/// mean: on a large output it can hide one element that is simply wrong), non-finite values sit in the same places
/// with the same values, and ids match exactly. Exact cases (ceiling 0) therefore demand bit-identical floats.
public struct CaseResult: Sendable {
    public var name: String
    public var kernel: KernelName
    public var tolerance: ToleranceClass
    public var nmse: Double
    public var maxAbs: Double
    public var passed: Bool
    /// Why the case failed (the first offending tensor and element), nil when it passed.
    public var failure: String?

    public init(name: String, kernel: KernelName, tolerance: ToleranceClass, nmse: Double, maxAbs: Double,
                passed: Bool, failure: String?) {
        self.name = name; self.kernel = kernel; self.tolerance = tolerance
        self.nmse = nmse; self.maxAbs = maxAbs; self.passed = passed; self.failure = failure
    }
}

extension CaseOutput {
    /// Compares this output (from the backend under test) with the reference's output of the same case.
    public func compared(to reference: CaseOutput, tolerance: ToleranceClass, name: String, kernel: KernelName)
        -> CaseResult
    {
        var nmse = 0.0, maxAbs = 0.0
        var failure: String?
        func fail(_ message: String) { if failure == nil { failure = message } }

        if tensors.map(\.name) != reference.tensors.map(\.name) {
            fail("outputs \(tensors.map(\.name)) but the reference has \(reference.tensors.map(\.name))")
        }
        for (got, want) in zip(tensors, reference.tensors) {
            switch (got.values, want.values) {
            case let (.floats(a), .floats(b)):
                let error = FloatError(output: a, reference: b)
                nmse = max(nmse, error.nmse)
                maxAbs = max(maxAbs, error.maxAbs)
                if let problem = error.problem(nmse: tolerance.nmseCeiling, maxAbsOfReference: tolerance.nmseCeiling.squareRoot()) {
                    fail("\(got.name): \(problem)")
                }
            case let (.ids(a), .ids(b)):
                if a.count != b.count {
                    fail("\(got.name): \(a.count) ids, reference \(b.count)")
                } else if let i = a.indices.first(where: { a[$0] != b[$0] }) {
                    fail("\(got.name)[\(i)] = \(a[i]), reference \(b[i])")
                }
            default:
                fail("\(got.name): output and reference disagree on the tensor's kind (floats or ids)")
            }
        }
        return CaseResult(name: name, kernel: kernel, tolerance: tolerance, nmse: nmse, maxAbs: maxAbs,
                          passed: failure == nil, failure: failure)
    }
}
