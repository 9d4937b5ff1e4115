import TestSupport
import KernelCases
import Kernels
import KernelABI
import KernelsCPU
import KernelsReference
import Testing

/// NMSE = mse(expected, actual) / mse(expected, 0), llama.cpp's test-backend-ops measure; 0 when both are zero.
func nmse(_ expected: [Float], _ actual: [Float]) -> Double {
    precondition(expected.count == actual.count, "nmse: \(expected.count) vs \(actual.count) values")
    var error = 0.0, signal = 0.0
    for (e, a) in zip(expected, actual) {
        error += (Double(e) - Double(a)) * (Double(e) - Double(a))
        signal += Double(e) * Double(e)
    }
    if signal == 0 { return error == 0 ? 0 : .infinity }
    return error / signal
}

/// Bit patterns, so NaNs and signed zeros compare exactly.
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

extension SeededRandom {
    /// A weight matrix [n, k] in `type`: random floats packed as the format's blocks, with scales of a realistic
    /// size (d ~ 0.002...0.05) so quantized products stay O(1). The 5-bit and K types come from the kernel cases'
    /// generator (`SplitMix64.weights`), seeded from this one.
    mutating func weights(_ type: DType, n: Int, k: Int) -> [UInt8] {
        guard [.f32, .f16, .q8_0, .q4_0, .q4_1].contains(type) else {
            var source = SplitMix64(seed: next())
            return source.weights(type, rows: n, k: k)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(n * type.rowBytes(k))
        func half(_ value: Float) -> [UInt8] {
            let h = Reference.floatToHalf(value)
            return [UInt8(h & 0xFF), UInt8(h >> 8)]
        }
        for _ in 0 ..< n * k / type.blockSize {
            switch type {
            case .f32:
                let value = Float.random(in: -1..<1, using: &self).bitPattern
                bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
            case .f16: bytes += half(Float.random(in: -1..<1, using: &self))
            case .q8_0:
                bytes += half(Float.random(in: 0.002...0.01, using: &self))
                bytes += (0..<32).map { _ in UInt8.random(in: 0...255, using: &self) }
            case .q4_0:
                bytes += half(Float.random(in: 0.01...0.05, using: &self))
                bytes += (0..<16).map { _ in UInt8.random(in: 0...255, using: &self) }
            case .q4_1:
                bytes += half(Float.random(in: 0.01...0.05, using: &self)) + half(Float.random(in: -0.4...0, using: &self))
                bytes += (0..<16).map { _ in UInt8.random(in: 0...255, using: &self) }
            default:
                preconditionFailure("\(type) is drawn by SplitMix64.weights above")
            }
        }
        return bytes
    }
}

/// Array-in, array-out runners for any backend: make buffers, run one op, read the result back.
extension ComputeBackend {
    func runMatmul(_ op: MatmulOp, x: [Float], weights: [UInt8]) throws -> [Float] {
        let y = try makeBuffer(byteCount: 4 * (op.yOffset + op.rows * op.n), label: "y")
        try matmul(op, x: makeBuffer(x, label: "x"), weights: makeBuffer(weights, label: "w"), y: y)
        return Array(try read(y, as: Float.self, count: op.yOffset + op.rows * op.n)[op.yOffset...])
    }

    func runAttention(_ op: AttentionOp, q: [Float], kCache: [Float], vCache: [Float], slots: [Int32],
                      positions: [Int32]) throws -> [Float] {
        let out = try makeBuffer(byteCount: 4 * op.rows * op.outWidth, label: "out")
        let placement = RowPlacement(slots: try makeBuffer(slots, label: "slots"),
                                     positions: try makeBuffer(positions, label: "positions"))
        try attention(op, q: makeBuffer(q, label: "q"), kCache: makeBuffer(kCache, label: "k"),
                      vCache: makeBuffer(vCache, label: "v"), rows: placement, out: out)
        return try read(out, as: Float.self, count: op.rows * op.outWidth)
    }

    /// Returns the updated x and the trace.
    func runResidualSteer(_ op: ResidualSteerOp, x: [Float], delta: [Float], plan: SteerPlan) throws
        -> (x: [Float], trace: [Float])
    {
        let xBuffer = try makeBuffer(x, label: "x")
        let trace = try makeBuffer(byteCount: 16 * op.rows, label: "trace")
        try residualSteer(op, x: xBuffer, delta: makeBuffer(delta, label: "delta"), tables: makeSteerTables(plan),
                          trace: trace)
        return (try read(xBuffer, count: op.rows * op.width), try read(trace, count: 4 * op.rows))
    }

    func runRMSNorm(_ op: RMSNormOp, x: [Float], weight: [Float]) throws -> [Float] {
        let out = try makeBuffer(byteCount: 4 * op.rows * op.width, label: "out")
        try rmsnorm(op, x: makeBuffer(x, label: "x"), weight: makeBuffer(weight, label: "w"), out: out)
        return try read(out, count: op.rows * op.width)
    }
}
