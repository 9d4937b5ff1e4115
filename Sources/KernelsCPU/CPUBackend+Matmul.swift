import Kernels

extension CPUBackend {
    /// y[rows, n] = x[rows, k] · Wᵀ; see `MatmulKernel` for the work split and why it is batch invariant. In
    /// `Precision.q8`, quantized weights take `Q8MatmulKernel` (8-bit activations, integer sums).
    public func matmul(_ op: MatmulOp, x: CPUBuffer, weights: CPUBuffer, y: CPUBuffer) throws {
        try serialized("matmul \(op.weightType) \(op.k)→\(op.n)") {
            try op.validate(x: x.byteCount, weights: weights.byteCount, y: y.byteCount)
            let input = UnsafePointer(x.floats(at: op.xOffset))
            let output = y.floats(at: op.yOffset)
            if precision == .q8, let type = QuantDot.weightType(op.weightType) {
                Q8MatmulKernel.run(type: type, rows: op.rows, k: op.k, n: op.n, rowBytes: op.weightType.rowBytes(op.k),
                                   x: input, weights: weights.base, y: output,
                                   scratch: scratch.floats(Q8MatmulKernel.scratchFloats(rows: op.rows, k: op.k)), pool: pool)
                return
            }
            let sums = scratch.floats(op.rows * (op.k / 32))   // [rows, k/32], used by the formats with a min
            let rowBytes = op.weightType.rowBytes(op.k)
            func run<W: WeightFormat>(_: W.Type) {
                MatmulKernel<W>.run(rows: op.rows, k: op.k, n: op.n, rowBytes: rowBytes, x: input,
                                    weights: weights.base, y: output, blockSums: sums, pool: pool)
            }
            switch op.weightType {
            case .f32: run(F32Weights.self)
            case .f16: run(F16Weights.self)
            case .q8_0: run(Q8_0Weights.self)
            case .q4_0: run(Q4_0Weights.self)
            case .q4_1: run(Q4_1Weights.self)
            case .q5_0: run(Q5_0Weights.self)
            case .q5_1: run(Q5_1Weights.self)
            case .q4_k: run(Q4_KWeights.self)
            case .q5_k: run(Q5_KWeights.self)
            case .q6_k: run(Q6_KWeights.self)
            case .q8_k: run(Q8_KWeights.self)
            }
        }
    }

    /// out[rows, width] = dequant(table[ids[r], :]) · scale (in f32; skipped when the scale is 1). Ids are checked
    /// first: a bad id is an error, never a read outside the table.
    public func embed(_ op: EmbedOp, ids: CPUBuffer, table: CPUBuffer, out: CPUBuffer) throws {
        try serialized("embed") {
            try op.validate(ids: ids.byteCount, table: table.byteCount, out: out.byteCount)
            let tokenIds = ids.int32s()
            for r in 0..<op.rows where tokenIds[r] < 0 || Int(tokenIds[r]) >= op.vocab {
                throw KernelError.invalidShape(op: "embed", detail: "token id \(tokenIds[r]) of row \(r) is outside the vocabulary [0, \(op.vocab))")
            }
            let rowBytes = op.tableType.rowBytes(op.width)
            let output = out.floats()
            for r in 0..<op.rows {
                let row = UnsafeRawPointer(table.base + Int(tokenIds[r]) * rowBytes)
                let target = output + r * op.width
                switch op.tableType {
                case .f32: target.update(from: row.assumingMemoryBound(to: Float.self), count: op.width)
                case .f16:
                    for i in 0..<op.width { target[i] = halfToFloat(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
                case .q8_0: dequantizeRow(Q8_0Weights.self, row, width: op.width, into: target)
                case .q4_0: dequantizeRow(Q4_0Weights.self, row, width: op.width, into: target)
                case .q4_1: dequantizeRow(Q4_1Weights.self, row, width: op.width, into: target)
                case .q5_0: dequantizeRow(Q5_0Weights.self, row, width: op.width, into: target)
                case .q5_1: dequantizeRow(Q5_1Weights.self, row, width: op.width, into: target)
                case .q4_k: dequantizeRow(Q4_KWeights.self, row, width: op.width, into: target)
                case .q5_k: dequantizeRow(Q5_KWeights.self, row, width: op.width, into: target)
                case .q6_k: dequantizeRow(Q6_KWeights.self, row, width: op.width, into: target)
                case .q8_k: dequantizeRow(Q8_KWeights.self, row, width: op.width, into: target)
                }
                if op.scale != 1 {
                    for i in 0..<op.width { target[i] *= op.scale }
                }
            }
        }
    }

    private func dequantizeRow<Format: WeightFormat>(_ format: Format.Type, _ row: UnsafeRawPointer, width: Int,
                                                     into out: UnsafeMutablePointer<Float>) {
        for b in 0 ..< width / 32 { Format.dequantize(row, block: b, into: out + 32 * b) }
    }
}
