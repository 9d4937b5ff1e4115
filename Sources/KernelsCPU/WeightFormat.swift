/// How one weight format feeds a dot product, 32 weights (one block, or a K type's sub-block) at a time.
///
/// `decode` unpacks a block once into two SIMD16 halves (weights 0..<16 and 16..<32) plus per-block scales;
/// `accumulate` adds that block's contribution to x·w for one x row. The matmul kernels decode each block once and
/// accumulate it into 1 or 4 rows with the same `accumulate`, so a row's arithmetic, and its result bits, are the
/// same whether it runs alone or inside a batch.
///
/// The quantized formats keep the small integers as floats and apply the scale once per block:
///   q8_0, q4_0:  x·w = d·Σ q·x                 (q4_0: q − 8 decoded directly)
///   q4_1:        x·w = d·Σ q·x + m·Σ x          (Σ x per block is precomputed once per x row: `needsBlockSums`)
///   q5_0, q5_1:  as q4_0 and q4_1 with the fifth bit added to the codes (WeightFormat+Q5.swift)
///   q4_k, q5_k:  per 32-weight sub-block, d = d·sc and m = −dmin·min, then as q4_1; q6_k: two scales per block
///                (one per 16 weights); q8_k: as q8_0 with an f32 d (WeightFormat+KQuants.swift)
/// Float weights accumulate w·x directly. All sums stay in f32 (precision mode f32: no reduced accumulators).
protocol WeightFormat {
    /// Whether a row may end in a partial block (f32, f16: any k) handled by `accumulateTail`.
    static var hasTail: Bool { get }
    associatedtype Block
    /// Whether `accumulate` reads the per-block sums of x.
    static var needsBlockSums: Bool { get }
    /// Block `b` (weights 32b..<32b+32) of the row starting at `row`. The K types' 256-weight super-blocks hold
    /// eight of these, each with its own scales.
    static func decode(_ row: UnsafeRawPointer, block b: Int) -> Block
    static func accumulate(_ block: Block, x: UnsafePointer<Float>, xBlockSum: Float, into acc: inout DotAccumulator)
    /// Adds the weights in `range` of a row that ends in a partial block (float formats only: a quantized row is
    /// always whole blocks) to the scalar sum, in index order.
    static func accumulateTail(row: UnsafeRawPointer, x: UnsafePointer<Float>, range: Range<Int>,
                               into acc: inout DotAccumulator)
    /// The 32 weights of block `b` as f32, bit-equal to the reference (gguf) dequantization: d·q + m in two
    /// roundings.
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>)
}

/// A format whose 32-weight blocks are self-contained and `blockBytes` apart (all but the K types).
protocol BlockWeightFormat: WeightFormat {
    /// Bytes of one block of 32 weights.
    static var blockBytes: Int { get }
    static func decode(_ block: UnsafeRawPointer) -> Block
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>)
}

extension BlockWeightFormat {
    @inline(__always) static func decode(_ row: UnsafeRawPointer, block b: Int) -> Block {
        decode(row + b * blockBytes)
    }
    static func dequantize(_ row: UnsafeRawPointer, block b: Int, into out: UnsafeMutablePointer<Float>) {
        dequantize(row + b * blockBytes, into: out)
    }
}

/// The running sums of one output element: two sets of 16 lanes (one per half block) and one scalar (m·Σx).
struct DotAccumulator {
    var low = SIMD16<Float>()
    var high = SIMD16<Float>()
    var scalar: Float = 0

    /// The finished dot product. Fixed order: lanes, then the scalar.
    @inline(__always) var total: Float { horizontalSum(low + high) + scalar }
}

/// A block's integers as floats with its scale: what the quantized formats decode to.
struct ScaledBlock {
    var low: SIMD16<Float>
    var high: SIMD16<Float>
    var d: Float
    var m: Float
}

/// Two halves of a float block (f32 or f16 weights).
struct FloatBlock {
    var low: SIMD16<Float>
    var high: SIMD16<Float>
}

@inline(__always)
func loadFloats(_ x: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self)
}

/// Bytes as floats, lane by lane: LLVM turns this form into one widening move and one vcvtdq2ps, where the
/// stdlib's generic SIMD conversions compile to out-of-line calls.
@inline(__always)
func floats(_ q: SIMD16<UInt8>) -> SIMD16<Float> {
    SIMD16<Float>(Float(q[0]), Float(q[1]), Float(q[2]), Float(q[3]), Float(q[4]), Float(q[5]), Float(q[6]), Float(q[7]),
                  Float(q[8]), Float(q[9]), Float(q[10]), Float(q[11]), Float(q[12]), Float(q[13]), Float(q[14]), Float(q[15]))
}

@inline(__always)
func floats(_ q: SIMD16<Int8>) -> SIMD16<Float> {
    SIMD16<Float>(Float(q[0]), Float(q[1]), Float(q[2]), Float(q[3]), Float(q[4]), Float(q[5]), Float(q[6]), Float(q[7]),
                  Float(q[8]), Float(q[9]), Float(q[10]), Float(q[11]), Float(q[12]), Float(q[13]), Float(q[14]), Float(q[15]))
}

/// Accumulates d·(low·x₀ + high·x₁) for the quantized formats.
@inline(__always)
func accumulateScaled(_ block: ScaledBlock, x: UnsafePointer<Float>, into acc: inout DotAccumulator) {
    var partial = block.low * loadFloats(x)
    partial.madd(block.high, loadFloats(x + 16))
    acc.low.madd(block.d, partial)
}

enum F32Weights: BlockWeightFormat {
    static var hasTail: Bool { true }
    static var blockBytes: Int { 128 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> FloatBlock {
        FloatBlock(low: block.loadUnaligned(as: SIMD16<Float>.self),
                   high: block.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
    }
    @inline(__always) static func accumulate(_ block: FloatBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        acc.low.madd(block.low, loadFloats(x))
        acc.high.madd(block.high, loadFloats(x + 16))
    }
    static func accumulateTail(row: UnsafeRawPointer, x: UnsafePointer<Float>, range: Range<Int>,
                               into acc: inout DotAccumulator) {
        let w = row.assumingMemoryBound(to: Float.self)
        for i in range { acc.scalar.madd(w[i], x[i]) }
    }
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(out).copyMemory(from: block, byteCount: 128)
    }
}

enum F16Weights: BlockWeightFormat {
    static var hasTail: Bool { true }
    static var blockBytes: Int { 64 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> FloatBlock {
        FloatBlock(low: halfToFloat(block.loadUnaligned(as: SIMD16<UInt16>.self)),
                   high: halfToFloat(block.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt16>.self)))
    }
    @inline(__always) static func accumulate(_ block: FloatBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        F32Weights.accumulate(block, x: x, xBlockSum: xBlockSum, into: &acc)
    }
    static func accumulateTail(row: UnsafeRawPointer, x: UnsafePointer<Float>, range: Range<Int>,
                               into acc: inout DotAccumulator) {
        for i in range { acc.scalar.madd(halfToFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)), x[i]) }
    }
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let decoded = decode(block)
        UnsafeMutableRawPointer(out).storeBytes(of: decoded.low, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(out + 16).storeBytes(of: decoded.high, as: SIMD16<Float>.self)
    }
}

/// Quantized formats without an offset (w = d·q): q8_0, q4_0 and q5_0 share their dot product and dequantization.
protocol SymmetricWeightFormat: BlockWeightFormat where Block == ScaledBlock {}

extension SymmetricWeightFormat {
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateScaled(block, x: x, into: &acc)
    }
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        let b = decode(block)
        UnsafeMutableRawPointer(out).storeBytes(of: b.low * b.d, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(out + 16).storeBytes(of: b.high * b.d, as: SIMD16<Float>.self)
    }
}

/// [f16 d][32 × int8]: w = d·q.
enum Q8_0Weights: SymmetricWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 34 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        ScaledBlock(low: floats(block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)),
                    high: floats(block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)),
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)), m: 0)
    }
}

/// [f16 d][16 bytes: weight j in the low nibble of byte j, weight j+16 in the high nibble]: w = d·(q − 8).
enum Q4_0Weights: SymmetricWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 18 }
    static var needsBlockSums: Bool { false }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let packed = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
        return ScaledBlock(low: floats(packed & 0x0F) - 8, high: floats(packed &>> 4) - 8,
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)), m: 0)
    }
}

/// [f16 d][f16 m][16 bytes, nibbles as q4_0]: w = d·q + m.
enum Q4_1Weights: BlockWeightFormat {
    static var hasTail: Bool { false }
    static var blockBytes: Int { 20 }
    static var needsBlockSums: Bool { true }
    @inline(__always) static func decode(_ block: UnsafeRawPointer) -> ScaledBlock {
        let packed = block.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
        return ScaledBlock(low: floats(packed & 0x0F), high: floats(packed &>> 4),
                           d: halfToFloat(block.loadUnaligned(as: UInt16.self)),
                           m: halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
    }
    @inline(__always) static func accumulate(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float,
                                             into acc: inout DotAccumulator) {
        accumulateWithMin(block, x: x, xBlockSum: xBlockSum, into: &acc)
    }
    static func dequantize(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>) {
        storeWithMin(decode(block), into: out)
    }
}

/// Accumulates d·Σ q·x + m·Σ x: the formats with a min (q4_1, q5_1, q4_k, q5_k).
@inline(__always)
func accumulateWithMin(_ block: ScaledBlock, x: UnsafePointer<Float>, xBlockSum: Float, into acc: inout DotAccumulator) {
    accumulateScaled(block, x: x, into: &acc)
    acc.scalar.madd(block.m, xBlockSum)
}

/// Stores d·q + m: (d·q) rounded, then + m, two roundings as ggml and gguf do (the K types' m is −dmin·min, and
/// a + (−b) is a − b exactly).
@inline(__always)
func storeWithMin(_ b: ScaledBlock, into out: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(out).storeBytes(of: b.low * b.d + b.m, as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(out + 16).storeBytes(of: b.high * b.d + b.m, as: SIMD16<Float>.self)
}

extension WeightFormat {
    /// Quantized rows are whole blocks: nothing to add.
    @inline(__always)
    static func accumulateTail(row: UnsafeRawPointer, x: UnsafePointer<Float>, range: Range<Int>,
                               into acc: inout DotAccumulator) {}
}
