/// y[rows, n] = x[rows, k] · Wᵀ for one weight format, W [n, k] row-major in blocks of 32 weights.
///
/// Work is split over a few large chunks of output columns (weight rows), so each thread streams long contiguous
/// slices of W. Inside a chunk, x rows go four at a time (`dot4`: each weight block is decoded once and used four
/// times, with x's four rows hot in L1), the leftover rows one at a time (`dot1`). Both call the format's
/// `accumulate` once per block per row in block order, so an output's arithmetic, and so its bits, depend only on
/// k: a row gives the same result alone, in any batch, and on any number of threads or chunks.
enum MatmulKernel<Format: WeightFormat> {
    /// Output columns per chunk: two chunks per thread, in multiples of 16 columns. Decode is bound by how fast the
    /// weights stream from memory, and long runs per thread are what streams fast: 64 chunks of a few KiB each (the
    /// old split) decoded at 122 tokens/s on 2 threads, two chunks per thread at about 180. Two rather than one
    /// leaves some balancing for a thread that starts late. Results never depend on the split: each output is
    /// computed whole inside one chunk.
    static func columnsPerChunk(n: Int, threads: Int) -> Int {
        let chunks = 2 * max(1, threads)
        return max(16, ((n + chunks - 1) / chunks + 15) / 16 * 16)
    }
    /// x rows per tile in `dot4`.
    static var tileRows: Int { 4 }

    /// x: [rows, k] f32; weights: [n, rowBytes]; y: [rows, n] f32 (row stride n); blockSums: [rows, k/32] scratch
    /// when the format needs it.
    static func run(rows: Int, k: Int, n: Int, rowBytes: Int, x: UnsafePointer<Float>, weights: UnsafeRawPointer,
                    y: UnsafeMutablePointer<Float>, blockSums: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let blocks = k / 32
        let sums: UnsafePointer<Float>
        if Format.needsBlockSums {
            fillBlockSums(rows: rows, k: k, x: x, into: blockSums)
            sums = UnsafePointer(blockSums)
        } else {
            // Never read: the formats that ignore xBlockSum get any valid pointer.
            sums = x
        }
        let sumStride = Format.needsBlockSums ? blocks : 0

        // Tiny products run inline: waking a worker costs more than a few thousand multiply-adds.
        let work = rows * n * k
        let minimumColumns = work < 1 << 16 ? n : 1
        pool.forEachRange(count: n, itemsPerChunk: columnsPerChunk(n: n, threads: pool.threads), minimumItems: minimumColumns) { columns, _ in
            var r = 0
            while r + tileRows <= rows {
                let x0 = x + r * k, s0 = sums + r * sumStride
                for j in columns {
                    let out = dot4(row: weights + j * rowBytes, x: x0, k: k, sums: s0, sumStride: sumStride)
                    y[r * n + j] = out.0
                    y[(r + 1) * n + j] = out.1
                    y[(r + 2) * n + j] = out.2
                    y[(r + 3) * n + j] = out.3
                }
                r += tileRows
            }
            while r < rows {
                let xr = x + r * k, sr = sums + r * sumStride
                for j in columns { y[r * n + j] = dot1(row: weights + j * rowBytes, x: xr, k: k, sums: sr) }
                r += 1
            }
        }
    }

    /// Σ x over each block of 32, per row: blockSums[r, b]. Fixed order (two halves, then the lane sum).
    static func fillBlockSums(rows: Int, k: Int, x: UnsafePointer<Float>, into blockSums: UnsafeMutablePointer<Float>) {
        let blocks = k / 32
        for r in 0..<rows {
            for b in 0..<blocks {
                let start = x + r * k + 32 * b
                blockSums[r * blocks + b] = horizontalSum(loadFloats(start) + loadFloats(start + 16))
            }
        }
    }

    /// One output: x · w for one weight row.
    @inline(__always)
    static func dot1(row: UnsafeRawPointer, x: UnsafePointer<Float>, k: Int, sums: UnsafePointer<Float>) -> Float {
        let blocks = k / 32
        var acc = DotAccumulator()
        for b in 0..<blocks {
            let block = Format.decode(row, block: b)
            Format.accumulate(block, x: x + 32 * b, xBlockSum: sums[b], into: &acc)
        }
        if Format.hasTail { Format.accumulateTail(row: row, x: x, range: 32 * blocks ..< k, into: &acc) }
        return acc.total
    }

    /// Four outputs: rows x[0..<4] (stride k) · one weight row, each block decoded once.
    @inline(__always)
    static func dot4(row: UnsafeRawPointer, x: UnsafePointer<Float>, k: Int, sums: UnsafePointer<Float>,
                     sumStride: Int) -> (Float, Float, Float, Float) {
        let blocks = k / 32
        var a0 = DotAccumulator(), a1 = DotAccumulator(), a2 = DotAccumulator(), a3 = DotAccumulator()
        let x1 = x + k, x2 = x + 2 * k, x3 = x + 3 * k
        let s1 = sums + sumStride, s2 = sums + 2 * sumStride, s3 = sums + 3 * sumStride
        for b in 0..<blocks {
            let block = Format.decode(row, block: b)
            let offset = 32 * b
            Format.accumulate(block, x: x + offset, xBlockSum: sums[b], into: &a0)
            Format.accumulate(block, x: x1 + offset, xBlockSum: s1[b], into: &a1)
            Format.accumulate(block, x: x2 + offset, xBlockSum: s2[b], into: &a2)
            Format.accumulate(block, x: x3 + offset, xBlockSum: s3[b], into: &a3)
        }
        if Format.hasTail {
            let tail = 32 * blocks ..< k
            Format.accumulateTail(row: row, x: x, range: tail, into: &a0)
            Format.accumulateTail(row: row, x: x1, range: tail, into: &a1)
            Format.accumulateTail(row: row, x: x2, range: tail, into: &a2)
            Format.accumulateTail(row: row, x: x3, range: tail, into: &a3)
        }
        return (a0.total, a1.total, a2.total, a3.total)
    }
}
