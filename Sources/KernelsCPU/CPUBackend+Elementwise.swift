import Foundation
import Kernels

/// Per-row ops are split over rows in chunks sized for ~32K values; below that they run on the calling thread.
let rowChunkValues = 32_768

extension CPUBackend {
    /// Rows per chunk so one chunk holds about `rowChunkValues` values.
    func rowsPerChunk(width: Int) -> Int { max(1, rowChunkValues / max(1, width)) }

    /// out[r, i] = x[r, i] · (1 / sqrt(mean(x[r, :]²) + eps)) · weight[i]. out may be x.
    public func rmsnorm(_ op: RMSNormOp, x: CPUBuffer, weight: CPUBuffer, out: CPUBuffer) throws {
        try serialized("rmsnorm") {
            try op.validate(x: x.byteCount, weight: weight.byteCount, out: out.byteCount)
            let input = UnsafePointer(x.floats()), gains = UnsafePointer(weight.floats()), output = out.floats()
            let width = op.width, eps = op.eps
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, _ in
                for r in rows {
                    let row = input + r * width, target = output + r * width
                    let scale = 1 / (VectorMath.sumOfSquares(row, count: width) / Float(width) + eps).squareRoot()
                    var i = 0
                    while i + 16 <= width {
                        storeFloats(loadFloats(row + i) * scale * loadFloats(gains + i), to: target + i)
                        i += 16
                    }
                    while i < width {
                        target[i] = row[i] * scale * gains[i]
                        i += 1
                    }
                }
            }
        }
    }

    /// In-place RoPE, either pairing (`RopeStyle`). The angles of a row depend on its position only, so cos/sin are
    /// computed once per row (`RopeAngles`) and reused for every head.
    public func rope(_ op: RopeOp, x: CPUBuffer, positions: CPUBuffer, freqFactors: CPUBuffer?) throws {
        try serialized("rope") {
            try op.validate(x: x.byteCount, positions: positions.byteCount, freqFactors: freqFactors?.byteCount)
            let values = x.floats(), pos = positions.int32s()
            let angles = RopeAngles(nRot: op.nRot, freqBase: op.freqBase, freqScale: op.freqScale, style: op.style,
                                    freqFactors: freqFactors.map { UnsafePointer($0.floats()) })
            let scratches = workerScratch
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: op.rowStride),
                              minimumItems: 2 * rowsPerChunk(width: op.rowStride)) { rows, worker in
                let table = scratches[worker].floats(angles.tableCount)
                for r in rows {
                    angles.fill(table, position: pos[r])
                    for h in 0..<op.nHeads {
                        let head = values + r * op.rowStride + op.headOffset + h * op.headDim
                        angles.rotate(head, into: head, table: table)
                    }
                }
            }
        }
    }

    /// out[r, c] = act(g) · u with g = gate[r·stride + c], u = up[r·stride + upOffset + c] (`SwigluOp`): silu(g) =
    /// g / (1 + exp(−g)) in SIMD lanes, or ggml's f32 tanh-GELU one element at a time (`geluTanh`, libm's tanhf, as
    /// ggml_gelu_f32). In the flat form out may be gate or up.
    public func swiglu(_ op: SwigluOp, gate: CPUBuffer, up: CPUBuffer, out: CPUBuffer) throws {
        try serialized(op.activation == .silu ? "swiglu" : "geglu") {
            try op.validate(gate: gate.byteCount, up: up.byteCount, out: out.byteCount)
            let g = UnsafePointer(gate.floats()), u = UnsafePointer(up.floats()), output = out.floats()
            let width = op.width, stride = op.stride, upOffset = op.upOffset, activation = op.activation
            // Items are (row, block of up to 8192 columns), handed out about 8192 elements at a time; each element is
            // computed the same way wherever it falls. Under 16384 elements everything runs inline.
            let block = 8192, blocksPerRow = (width + block - 1) / block, items = op.rows * blocksPerRow
            let itemsPerChunk = blocksPerRow == 1 ? max(1, block / width) : 1
            pool.forEachRange(count: items, itemsPerChunk: itemsPerChunk, minimumItems: op.count < 16_384 ? items + 1 : 1) { range, _ in
                for item in range {
                    let r = item / blocksPerRow, first = (item % blocksPerRow) * block
                    let gateRow = g + r * stride, upRow = u + r * stride + upOffset, outRow = output + r * width
                    let columns = min(block, width - first)
                    switch activation {
                    case .silu:
                        forEachSixteen(count: columns) { offset, lanes in
                            let c = first + offset
                            let value = loadFloats(gateRow + c, lanes: lanes)
                            let product = value / (1 + exp16(-value)) * loadFloats(upRow + c, lanes: lanes)
                            storeFloats(product, to: outRow + c, lanes: lanes)
                        }
                    case .geluTanh:
                        for c in first ..< first + columns { outRow[c] = geluTanh(gateRow[c]) * upRow[c] }
                    }
                }
            }
        }
    }

    /// x[r·rowStride + offset + c] += bias[c] in place (`BiasAddOp`), one f32 addition per element.
    public func biasAdd(_ op: BiasAddOp, x: CPUBuffer, bias: CPUBuffer) throws {
        try serialized("bias_add") {
            try op.validate(x: x.byteCount, bias: bias.byteCount)
            let values = x.floats(), gains = UnsafePointer(bias.floats())
            for r in 0..<op.rows {
                let row = values + r * op.rowStride + op.offset
                forEachSixteen(count: op.width) { c, lanes in
                    let sum = loadFloats(row + c, lanes: lanes) + loadFloats(gains + c, lanes: lanes)
                    storeFloats(sum, to: row + c, lanes: lanes)
                }
            }
        }
    }

    /// Per row: softmax, or log-softmax, with max subtraction. The normaliser is summed in f64 in index order
    /// (a vocabulary-sized f32 sum would lose digits). out may be x.
    public func softmax(_ op: SoftmaxOp, x: CPUBuffer, out: CPUBuffer) throws {
        try serialized("softmax") {
            try op.validate(x: x.byteCount, out: out.byteCount)
            let input = UnsafePointer(x.floats()), output = out.floats()
            let width = op.width, logMode = op.log
            pool.forEachRange(count: op.rows, itemsPerChunk: rowsPerChunk(width: width),
                              minimumItems: 2 * rowsPerChunk(width: width)) { rows, _ in
                for r in rows {
                    let row = input + r * width, target = output + r * width
                    let top = VectorMath.maximum(row, count: width)
                    var sum = 0.0
                    if logMode {
                        for i in 0..<width { sum += Double(Foundation.exp(row[i] - top)) }
                        let shift = top + Float(Foundation.log(sum))
                        for i in 0..<width { target[i] = row[i] - shift }
                    } else {
                        for i in 0..<width {
                            let e = Foundation.exp(row[i] - top)
                            target[i] = e
                            sum += Double(e)
                        }
                        let inverse = Float(1 / sum)
                        for i in 0..<width { target[i] *= inverse }
                    }
                }
            }
        }
    }
}

/// ggml_gelu_f32 term for term in f32: 0.5·x·(1 + tanh(sqrt(2/π)·x·(1 + 0.044715·x·x))).
@inline(__always)
func geluTanh(_ x: Float) -> Float {
    let sqrtTwoOverPi: Float = 0.79788456080286535587989211986876, coefficient: Float = 0.044715
    return 0.5 * x * (1 + Foundation.tanh(sqrtTwoOverPi * x * (1 + coefficient * x * x)))
}
