import KernelABI

// Parameters of every kernel, shared by all backends. Each op knows its shape, the bytes each operand needs
// (`validate`), and the push-constant block the Vulkan shader reads (`push`, from KernelABI: one layout for both).
// Buffers are row-major; shapes in comments are [rows, width] in elements of the operand's type.

/// y[rows, n] = x[rows, k] · Wᵀ with W stored as [n, k] in `weightType`. Rows never interact: each output element is
/// one dot product whose reduction order depends on k only, so a row's result is the same alone or in a batch.
public struct MatmulOp: Sendable, Equatable {
    public var rows: Int, k: Int, n: Int
    public var weightType: DType
    /// Offsets in floats into x and y, so one buffer can hold several activations.
    public var xOffset: Int, yOffset: Int

    public init(rows: Int, k: Int, n: Int, weightType: DType, xOffset: Int = 0, yOffset: Int = 0) {
        self.rows = rows; self.k = k; self.n = n; self.weightType = weightType
        self.xOffset = xOffset; self.yOffset = yOffset
    }

    public var push: VeerMatmulPush {
        VeerMatmulPush(rows: UInt32(rows), k: UInt32(k), n: UInt32(n), xOffset: UInt32(xOffset), yOffset: UInt32(yOffset),
                       colBase: 0, colCount: UInt32(n))
    }

    public var flops: Double { 2 * Double(rows) * Double(k) * Double(n) }
    public var weightBytes: Int { n * weightType.rowBytes(k) }

    public func validate(x: Int, weights: Int, y: Int) throws {
        let op = "matmul"
        try requirePositive(rows, "rows", op: op); try requirePositive(n, "n", op: op)
        try weightType.checkRowLength(k, op: op)
        try requireBytes(x, 4 * (xOffset + rows * k), op: op, operand: "x")
        try requireBytes(weights, weightBytes, op: op, operand: "weights")
        try requireBytes(y, 4 * (yOffset + rows * n), op: op, operand: "y")
    }
}

/// out[rows, width] = dequant(table[ids[r], :]) · scale; ids: int32 [rows]; table: [vocab, width] in `tableType`.
/// `scale` is applied in f32 after dequantization (Gemma multiplies its embeddings by sqrt(width)); 1 leaves them as
/// they are. An id outside [0, vocab) is a contract violation the host checks (`validateIds`) before launch.
public struct EmbedOp: Sendable, Equatable {
    public var rows: Int, width: Int, vocab: Int
    public var tableType: DType
    public var scale: Float
    public init(rows: Int, width: Int, vocab: Int, tableType: DType, scale: Float = 1) {
        self.rows = rows; self.width = width; self.vocab = vocab; self.tableType = tableType; self.scale = scale
    }
    public var push: VeerEmbedPush {
        VeerEmbedPush(rows: UInt32(rows), width: UInt32(width), vocab: UInt32(vocab), idBase: 0, idCount: UInt32(vocab),
                      scale: scale)
    }
    public func validate(ids: Int, table: Int, out: Int) throws {
        let op = "embed"
        try requirePositive(rows, "rows", op: op); try requirePositive(vocab, "vocab", op: op)
        guard scale.isFinite else {
            throw KernelError.invalidShape(op: op, detail: "scale \(scale) must be finite")
        }
        try tableType.checkRowLength(width, op: op)
        try requireBytes(ids, 4 * rows, op: op, operand: "ids")
        try requireBytes(table, vocab * tableType.rowBytes(width), op: op, operand: "table")
        try requireBytes(out, 4 * rows * width, op: op, operand: "out")
    }
    public func validateIds(_ ids: [Int32]) throws {
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= vocab }) {
            throw KernelError.invalidShape(op: "embed", detail: "token id \(bad) is outside the vocabulary [0, \(vocab))")
        }
    }
}

/// out[r, i] = x[r, i] / sqrt(mean(x[r, :]²) + eps) · weight[i]; x, out: [rows, width]; weight: [width]. out may be x.
public struct RMSNormOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public var eps: Float
    public init(rows: Int, width: Int, eps: Float) { self.rows = rows; self.width = width; self.eps = eps }
    public var push: VeerRMSNormPush { VeerRMSNormPush(rows: UInt32(rows), width: UInt32(width), eps: eps) }
    public func validate(x: Int, weight: Int, out: Int) throws {
        let op = "rmsnorm"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        try requireBytes(x, 4 * rows * width, op: op, operand: "x")
        try requireBytes(weight, 4 * width, op: op, operand: "weight")
        try requireBytes(out, 4 * rows * width, op: op, operand: "out")
    }
}

/// Which dims of a head RoPE pairs up. Raw values are the shaders' VEER_ROPE_* constants.
public enum RopeStyle: UInt32, Sendable, Equatable, CaseIterable {
    /// GGUF `llama` (GGML NORM mode): pair i is (x[2i], x[2i+1]).
    case adjacent = 0
    /// GGML NEOX mode (Gemma 3, Qwen2): pair i is (x[i], x[i + nRot/2]).
    case neox = 1

    /// The dims of pair i of a head whose first `nRot` dims rotate.
    @inline(__always)
    public func dims(ofPair i: Int, nRot: Int) -> (Int, Int) {
        self == .adjacent ? (2 * i, 2 * i + 1) : (i, i + nRot / 2)
    }
}

/// In-place rotary embedding. x: [rows, rowStride] floats with nHeads heads of headDim starting at headOffset;
/// positions: int32 [rows]. Pair i of a head (`style` says which two dims) turns by
/// pos · freqScale · freqBase^(−2i/nRot) / freqFactors[i], for i < nRot/2 (factors: the backends' optional
/// `freqFactors` buffer, f32 [nRot/2], Llama 3's rope scaling; without it all 1); dims at or beyond nRot are left
/// alone.
public struct RopeOp: Sendable, Equatable {
    public var rows: Int, nHeads: Int, headDim: Int, nRot: Int
    public var rowStride: Int, headOffset: Int
    public var freqBase: Float, freqScale: Float
    public var style: RopeStyle
    public init(rows: Int, nHeads: Int, headDim: Int, nRot: Int? = nil, rowStride: Int? = nil, headOffset: Int = 0,
                freqBase: Float, freqScale: Float = 1, style: RopeStyle = .adjacent) {
        self.rows = rows; self.nHeads = nHeads; self.headDim = headDim; self.nRot = nRot ?? headDim
        self.rowStride = rowStride ?? nHeads * headDim; self.headOffset = headOffset
        self.freqBase = freqBase; self.freqScale = freqScale; self.style = style
    }
    /// The push block; `hasFreqFactors` says whether a factors buffer is bound.
    public func push(hasFreqFactors: Bool) -> VeerRopePush {
        VeerRopePush(rows: UInt32(rows), nHeads: UInt32(nHeads), headDim: UInt32(headDim), nRot: UInt32(nRot),
                     rowStride: UInt32(rowStride), headOffset: UInt32(headOffset), freqBase: freqBase,
                     freqScale: freqScale, style: style.rawValue, hasFreqFactors: hasFreqFactors ? 1 : 0)
    }
    /// - Parameter freqFactors: the byte count of the frequency factors buffer, nil when there is none.
    public func validate(x: Int, positions: Int, freqFactors: Int? = nil) throws {
        let op = "rope"
        try requirePositive(rows, "rows", op: op); try requirePositive(nHeads, "nHeads", op: op)
        try Self.checkRotation(headDim: headDim, nRot: nRot, op: op)
        try Self.checkHeadsFit(nHeads: nHeads, headDim: headDim, headOffset: headOffset, rowStride: rowStride,
                               op: op, operand: "x")
        try requireBytes(x, 4 * rows * rowStride, op: op, operand: "x")
        try requireBytes(positions, 4 * rows, op: op, operand: "positions")
        if let freqFactors { try requireBytes(freqFactors, 4 * nRot / 2, op: op, operand: "freqFactors") }
    }

    /// Pairs need an even head size and an even rotated part no larger than the head.
    static func checkRotation(headDim: Int, nRot: Int, op: String) throws {
        guard headDim > 0, headDim % 2 == 0, nRot > 0, nRot % 2 == 0, nRot <= headDim else {
            throw KernelError.invalidShape(op: op, detail: "headDim \(headDim) and nRot \(nRot) must be even, 0 < nRot <= headDim")
        }
    }

    /// The heads of a row must end within its stride.
    static func checkHeadsFit(nHeads: Int, headDim: Int, headOffset: Int, rowStride: Int, op: String, operand: String) throws {
        guard headOffset + nHeads * headDim <= rowStride else {
            throw KernelError.invalidShape(
                op: op, detail: "\(operand) heads end at \(headOffset + nHeads * headDim), past the row stride \(rowStride)")
        }
    }
}

/// The activation of a gated unit (`SwigluOp`). Raw values are the shaders' VEER_ACTIVATION_* constants.
public enum GatedActivation: UInt32, Sendable, Equatable, CaseIterable {
    /// silu(g) = g / (1 + exp(−g)) (Llama, Qwen2).
    case silu = 0
    /// gelu_tanh(g) = 0.5·g·(1 + tanh(sqrt(2/π)·g·(1 + 0.044715·g²))) in f32, ggml's `ggml_gelu_f32` (Gemma).
    case geluTanh = 1
}

/// The gated activation out[i] = act(gate[i]) · up[i], i < count (`activation`: silu, SwiGLU, by default, or
/// tanh-GELU, GeGLU). out may be gate or up.
///
/// Row form: out[r, c] = act(gate[r·stride + c]) · up[r·stride + upOffset + c] for r < rows, c < width (out
/// [rows, width]), so gate and up can be the two halves of one stacked projection's rows (`stride` = 2·width,
/// `upOffset` = width). The flat form is one row of `count`.
public struct SwigluOp: Sendable, Equatable {
    public var rows: Int, width: Int, stride: Int, upOffset: Int
    public var activation: GatedActivation
    public var count: Int { rows * width }
    public init(count: Int, activation: GatedActivation = .silu) {
        rows = 1; width = count; stride = count; upOffset = 0; self.activation = activation
    }
    public init(rows: Int, width: Int, stride: Int, upOffset: Int, activation: GatedActivation = .silu) {
        self.rows = rows; self.width = width; self.stride = stride; self.upOffset = upOffset
        self.activation = activation
    }
    public var push: VeerSwigluPush {
        VeerSwigluPush(count: UInt32(count), width: UInt32(width), stride: UInt32(stride), upOffset: UInt32(upOffset),
                       activation: activation.rawValue)
    }
    /// Floats the gate and up operands span.
    public var gateExtent: Int { (rows - 1) * stride + width }
    public var upExtent: Int { (rows - 1) * stride + upOffset + width }
    public func validate(gate: Int, up: Int, out: Int) throws {
        let op = "swiglu"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        guard width <= stride, upOffset >= 0, rows == 1 || upOffset + width <= stride else {
            throw KernelError.invalidShape(op: op, detail: "width \(width) and up offset \(upOffset) must fit in the row stride \(stride)")
        }
        try requireBytes(gate, 4 * gateExtent, op: op, operand: "gate")
        try requireBytes(up, 4 * upExtent, op: op, operand: "up")
        try requireBytes(out, 4 * count, op: op, operand: "out")
    }
}

/// Per row of x[rows, width]: out = softmax(x), or log-softmax(x) when `log`. out may be x.
public struct SoftmaxOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public var log: Bool
    public init(rows: Int, width: Int, log: Bool = false) { self.rows = rows; self.width = width; self.log = log }
    public var push: VeerSoftmaxPush { VeerSoftmaxPush(rows: UInt32(rows), width: UInt32(width), logMode: log ? 1 : 0) }
    public func validate(x: Int, out: Int) throws {
        let op = log ? "log_softmax" : "softmax"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        try requireBytes(x, 4 * rows * width, op: op, operand: "x")
        try requireBytes(out, 4 * rows * width, op: op, operand: "out")
    }
}
