import CPUQuantDot
import Kernels

/// y[rows, n] = x[rows, k] · Wᵀ in `Precision.q8`: x's rows are quantized once into scratch, then output columns
/// are split over the pool in `MatmulKernel`'s chunks. Each output is computed whole by one C call in an
/// order that depends on k only, so a row gives the same bits alone, in any batch and on any number of threads.
enum Q8MatmulKernel {
    /// scratch: at least `scratchFloats(rows:k:)` floats.
    static func run(type: veer_qweight_type, rows: Int, k: Int, n: Int, rowBytes: Int, x: UnsafePointer<Float>,
                    weights: UnsafeRawPointer, y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                    pool: WorkerPool) {
        let blocks = k / 32
        let d = scratch, s = scratch + rows * blocks
        let q = UnsafeMutableRawPointer(scratch + 2 * rows * blocks).assumingMemoryBound(to: Int8.self)
        veer_q8_quantize_rows(x, Int32(rows), Int32(k), q, d, s)
        let work = rows * n * k
        let minimumColumns = work < 1 << 16 ? n : 1
        pool.forEachRange(count: n, itemsPerChunk: MatmulKernel<Q8_0Weights>.columnsPerChunk(n: n, threads: pool.threads),
                          minimumItems: minimumColumns) { columns, _ in
            veer_q8_matmul(type, weights, rowBytes, Int32(k), Int32(columns.lowerBound), Int32(columns.upperBound),
                           Int32(rows), q, d, s, y, n)
        }
    }

    /// Scratch for the quantized rows: d and s [rows, k/32] f32, then q [rows, k] int8.
    static func scratchFloats(rows: Int, k: Int) -> Int { 2 * rows * (k / 32) + rows * k / 4 }
}
