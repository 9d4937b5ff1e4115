import KernelCases
import Kernels
import Testing

/// Records an issue unless `actual` is close to `expected`: NMSE = mse(expected, actual) / mse(expected, 0) within
/// `nmse`, and, when given, every |expected - actual| within `maxAbs`. NaN and infinities must sit in the same places
/// with the same values. The issue names the worst element, so a failure says where to look.
public func expectClose(_ actual: [Float], _ expected: [Float], nmse ceiling: Double, maxAbs: Double? = nil,
                        _ what: String = "values", sourceLocation: SourceLocation = #_sourceLocation) {
    if let problem = FloatError(output: actual, reference: expected).problem(nmse: ceiling, maxAbs: maxAbs) {
        Issue.record("\(what): \(problem)", sourceLocation: sourceLocation)
    }
}

/// Records an issue unless two arrays are bit-identical (the batch-invariance and guard tests' standard).
public func expectBitIdentical(_ actual: [Float], _ expected: [Float], _ what: String = "values",
                               sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    if let i = actual.indices.first(where: { actual[$0].bitPattern != expected[$0].bitPattern }) {
        Issue.record("\(what): element \(i) is \(actual[i]), expected exactly \(expected[i])", sourceLocation: sourceLocation)
    }
}

/// Records an issue unless a kernel case passed, with the case's own failure text.
public func expectPassed(_ result: CaseResult, backend: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if !result.passed {
        Issue.record("""
            \(result.name) on \(backend): \(result.failure ?? "failed") \
            (NMSE \(result.nmse), max-abs \(result.maxAbs), ceiling \(result.tolerance.nmseCeiling))
            """, sourceLocation: sourceLocation)
    }
}
