/// Error measures of one float array against its reference, accumulated in f64: the one closeness check of the
/// kernel cases (`CaseOutput.compared`) and the tests (`expectClose`).
///
/// NMSE = mse(reference, output) / mse(reference, 0); non-finite values must sit in the same places with the same
/// values (NaN matches NaN); the worst element is kept so that a failure says where to look.
public struct FloatError: Sendable {
    public private(set) var nmse = 0.0
    public private(set) var maxAbs = 0.0
    public private(set) var referenceMaxAbs = 0.0
    public private(set) var worstIndex = 0
    private var countMismatch: String?
    /// The first place where one side is NaN or infinite and the other is not the same value.
    private var nonFiniteMismatch: String?

    public init(output: [Float], reference: [Float]) {
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

    /// Nil when the NMSE is within `ceiling` and, when given, every |error| within `maxAbsCeiling`, or within
    /// `maxAbsOfReference` · max|reference| (a bound relative to the data's scale); else what is wrong.
    public func problem(nmse ceiling: Double, maxAbs maxAbsCeiling: Double? = nil, maxAbsOfReference: Double? = nil) -> String? {
        if let countMismatch { return countMismatch }
        if let nonFiniteMismatch { return nonFiniteMismatch }
        if nmse > ceiling { return "NMSE \(nmse) above \(ceiling) (worst element \(worstIndex), |error| \(maxAbs))" }
        if let maxAbsCeiling, maxAbs > maxAbsCeiling {
            return "element \(worstIndex) is off by \(maxAbs), above \(maxAbsCeiling)"
        }
        if let fraction = maxAbsOfReference, maxAbs > fraction * referenceMaxAbs {
            return "element \(worstIndex) is off by \(maxAbs), above \(fraction * referenceMaxAbs) = \(fraction) * max|reference|"
        }
        return nil
    }
}
