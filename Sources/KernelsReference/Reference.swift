import Kernels

/// The plain, obviously correct versions of every kernel: readable loops over Swift arrays, f64 accumulation.
/// They are the oracle the CPU and Vulkan backends are tested against, so they favour clarity over speed and follow
/// the op definitions in Kernels (and KernelABI's comments) line by line.
///
/// Every function validates its operands with the op's own `validate` (array sizes in bytes), so a test that
/// passes the wrong shape gets the same `KernelError` a backend would throw.
public enum Reference {
    /// Bytes held by an array, for the ops' `validate(...)` checks.
    static func byteSize<T>(_ array: [T]) -> Int { array.count * MemoryLayout<T>.stride }

    /// Σ a[i]·b[i] in f64, in index order.
    static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for (x, y) in zip(a, b) { sum += Double(x) * Double(y) }
        return sum
    }

    /// The Euclidean norm of a slice, accumulated in f64.
    static func norm(_ a: ArraySlice<Float>) -> Double { dot(a, a).squareRoot() }
}
