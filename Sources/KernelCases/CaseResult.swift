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
                if let problem = error.problem(ceiling: tolerance.nmseCeiling) { fail("\(got.name): \(problem)") }
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

/// Error measures of one float tensor against its reference, accumulated in f64.
struct FloatError {
    var nmse = 0.0
    var maxAbs = 0.0
    var referenceMaxAbs = 0.0
    var countMismatch: String?
    /// The first place where one side is NaN or infinite and the other is not the same value.
    var nonFiniteMismatch: String?
    var worstIndex = 0

    init(output: [Float], reference: [Float]) {
        guard output.count == reference.count else {
            countMismatch = "\(output.count) values, reference \(reference.count)"
            nmse = .infinity
            return
        }
        var squaredError = 0.0, squaredReference = 0.0
        for i in reference.indices {
            let a = reference[i], b = output[i]
            if !a.isFinite || !b.isFinite {
                let same = (a.isNaN && b.isNaN) || a == b
                if !same, nonFiniteMismatch == nil { nonFiniteMismatch = "element \(i) is \(b), reference \(a)" }
                continue
            }
            let difference = abs(Double(a) - Double(b))
            squaredError += difference * difference
            squaredReference += Double(a) * Double(a)
            referenceMaxAbs = max(referenceMaxAbs, abs(Double(a)))
            if difference > maxAbs { maxAbs = difference; worstIndex = i }
        }
        if squaredError == 0 {
            nmse = 0
        } else {
            nmse = squaredReference > 0 ? squaredError / squaredReference : .infinity   // an all-zero reference
        }
        if nonFiniteMismatch != nil { nmse = .infinity }
    }

    /// Nil when within `ceiling`, else what is wrong.
    func problem(ceiling: Double) -> String? {
        if let countMismatch { return countMismatch }
        if let nonFiniteMismatch { return nonFiniteMismatch }
        if nmse > ceiling { return "NMSE \(nmse) above \(ceiling) (worst element \(worstIndex), |error| \(maxAbs))" }
        let maxAbsCeiling = ceiling.squareRoot() * referenceMaxAbs
        if maxAbs > maxAbsCeiling {
            return "element \(worstIndex) is off by \(maxAbs), above \(maxAbsCeiling) = sqrt(\(ceiling)) * max|reference|"
        }
        return nil
    }
}
