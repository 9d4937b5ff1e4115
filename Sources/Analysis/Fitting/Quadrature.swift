/// Numerical integration for the closed forms (ν(α) of the concept-probability law).
enum Quadrature {
    /// ∫_a^b f by composite Simpson's rule over `intervals` pieces (rounded up to even). b < a integrates backwards.
    static func simpson(from a: Double, to b: Double, intervals: Int, _ f: (Double) -> Double) -> Double {
        if a == b { return 0 }
        let n = max(2, intervals + intervals % 2)
        let h = (b - a) / Double(n)
        var sum = f(a) + f(b)
        for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h) }
        return sum * h / 3
    }
}
