import Kernels

/// In-place rotary embedding. Named `rope_<rows>x<nHeads>x<headDim>`; the `qkv` variant rotates the query heads inside
/// a fused QKV row (rowStride > nHeads · headDim) with nRot < headDim, so it checks strides and the untouched tail.
/// `neox` marks the NEOX pairing, `scaled` frequency factors (drawn in [1, 8], as Llama 3's range from 1 to its
/// low-frequency factor 8). Positions are random below 1024 and include 0.
public struct RopeCase: KernelCase {
    public var op: RopeOp
    /// Whether the op gets a frequency factors buffer.
    public var freqFactors: Bool

    public init(rows: Int, nHeads: Int, headDim: Int, freqBase: Float = 10000, style: RopeStyle = .adjacent,
                freqFactors: Bool = false) {
        op = RopeOp(rows: rows, nHeads: nHeads, headDim: headDim, freqBase: freqBase, style: style)
        self.freqFactors = freqFactors
    }

    /// Heads of a fused QKV row: queries first, then `extraHeads` more heads' worth of K and V that must stay as they are.
    public init(qkvRows rows: Int, nHeads: Int, headDim: Int, nRot: Int, extraHeads: Int, headOffset: Int,
                freqBase: Float = 10000, freqScale: Float = 0.5, style: RopeStyle = .adjacent,
                freqFactors: Bool = false) {
        op = RopeOp(rows: rows, nHeads: nHeads, headDim: headDim, nRot: nRot,
                    rowStride: (nHeads + extraHeads) * headDim, headOffset: headOffset,
                    freqBase: freqBase, freqScale: freqScale, style: style)
        self.freqFactors = freqFactors
    }

    private var isFused: Bool { op.rowStride != op.nHeads * op.headDim || op.nRot != op.headDim }
    public var kernel: KernelName { .rope }
    public var name: String {
        "rope\(isFused ? "_qkv" : "")\(op.style == .neox ? "_neox" : "")\(freqFactors ? "_scaled" : "")"
            + "_\(op.rows)x\(op.nHeads)x\(op.headDim)"
    }
    public var tolerance: ToleranceClass { .elementwise }
    public var flops: Double { 6 * Double(op.rows * op.nHeads * op.nRot / 2) }
    public var bytes: Double { Double(8 * op.rows * op.nHeads * op.headDim + 4 * op.rows) }

    public func prepare<B: ComputeBackend>(on backend: B) throws -> PreparedCase {
        var random = seededInputs
        let x = random.floats(op.rows * op.rowStride)                        // [rows, rowStride] f32
        var positions = (0..<op.rows).map { _ in Int32(random.index(1024)) } // [rows] int32
        positions[0] = 0
        let xBuffer = try backend.makeBuffer(x, label: "x")
        let positionBuffer = try backend.makeBuffer(positions, label: "positions")
        let factors = freqFactors ? try backend.makeBuffer(random.floats(op.nRot / 2, 1, 8), label: "freqFactors") : nil
        return PreparedCase(
            issue: { try backend.rope(op, x: xBuffer, positions: positionBuffer, freqFactors: factors) },
            readOutputs: { CaseOutput([.floats("x", try backend.read(xBuffer, count: x.count))]) })
    }
}
