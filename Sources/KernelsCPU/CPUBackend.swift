import Foundation
import Kernels

/// The fast CPU backend: the fallback on machines with no GPU.
///
/// Kernels are explicit SIMD16 loops over raw pointers, split over a fixed thread budget (`WorkerPool`) in fixed
/// chunks. Every output element is computed by one code path whose arithmetic order depends only on the op's
/// shape, so results are bit-identical for any thread count and any batch composition. Quantized matmuls never
/// dequantize whole matrices: each block is decoded in registers and used at once. Scratch memory is kept between
/// calls, so decoding allocates nothing in steady state.
///
/// Ops run synchronously on the calling thread (plus workers). Ops issued from several threads at once run one
/// after another: the worker pool and the scratch arenas belong to the backend, so each op holds them exclusively.
public final class CPUBackend: HostMemoryBackend, @unchecked Sendable {

    let pool: WorkerPool
    /// Held for the whole of each op (see the type's comment).
    private let opLock = NSLock()
    /// Per-call scratch: q4_1 block sums, steering tables and other small working sets.
    let scratch = ScratchArena()
    /// Per-worker scratch (attention scores, rope tables), one arena per worker so they never share memory.
    let workerScratch: [ScratchArena]

    /// The arithmetic of matmuls with quantized weights (`Precision`); everything else is f32 in either mode.
    public let precision: Precision

    /// - Parameters:
    ///   - threads: worker threads; nil reads `VEER_THREADS`, else uses every active core.
    ///   - precision: `.f32` (exact, the F32 goldens' path) or `.q8` (8-bit activations, integer dot products).
    public init(threads: Int? = nil, precision: Precision = .f32) {
        self.precision = precision
        let count = threads ?? Self.threadsFromEnvironment() ?? ProcessInfo.processInfo.activeProcessorCount
        pool = WorkerPool(threads: max(1, count))
        workerScratch = (0..<max(1, count)).map { _ in ScratchArena() }
    }

    /// Per op class wall time, when `VEER_PROFILE=1`.
    public let profiler = OpProfiler.fromEnvironment()

    /// Runs one op with the pool and scratch to itself; `opClass` names it in the profile.
    func serialized<T>(_ opClass: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        opLock.lock()
        defer { opLock.unlock() }
        guard let profiler else { return try body() }
        return try profiler.time(opClass(), body)
    }

    /// `VEER_THREADS` as a positive integer, or nil when unset or malformed.
    static func threadsFromEnvironment() -> Int? {
        guard let text = ProcessInfo.processInfo.environment["VEER_THREADS"], let value = Int(text), value > 0 else {
            return nil
        }
        return value
    }

    public var threads: Int { pool.threads }

    /// e.g. "cpu (2 threads, SIMD16, f32)" or "cpu (2 threads, SIMD16, q8 avx512-vnni)".
    public var name: String {
        let arithmetic = precision == .q8 ? "q8 \(QuantDot.activeVariantName)" : precision.rawValue
        return "cpu (\(threads) thread\(threads == 1 ? "" : "s"), SIMD16, \(arithmetic))"
    }
}
