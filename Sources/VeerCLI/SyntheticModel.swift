import Foundation
import GGUF
import Kernels

/// A model file with the shapes, types and metadata (tokenizer included) of another and generated weights, for
/// measuring speed where the real weights cannot travel: speed does not depend on the values. The values are kept
/// small and centred (norm weights 1, quantized scales such that weights lie within about ±0.08) so activations
/// stay finite and the logits are not degenerate.
enum SyntheticModel {
    static func write(like source: GGUFFile, to path: String, seed: UInt64) throws {
        var writer = GGUFWriter()
        for key in source.metadata.keys { writer.set(key, source.metadata[key]!) }
        let original = (try? source.metadata.string("general.name")) ?? URL(fileURLWithPath: source.name).lastPathComponent
        writer.set("general.name", .string("synthetic, shaped like \(original)"))
        var random = SplitMix64(seed: seed)
        for tensor in source.tensors {
            let rows = tensor.shape.dropFirst().reduce(1, *)
            let isNorm = tensor.name.hasSuffix("norm.weight")
            let bytes = generate(tensor.dtype, rowLength: tensor.shape[0], rows: rows, ones: isNorm, random: &random)
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.dtype, bytes: bytes)
        }
        try writer.write(to: path)
    }

    /// `rows` rows of `rowLength` elements in `type`'s encoding.
    static func generate(_ type: DType, rowLength: Int, rows: Int, ones: Bool, random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(type.rowBytes(rowLength) * rows)
        func half(_ value: Float) { append(Float16(value).bitPattern) }
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func randomBytes(_ count: Int) { for _ in 0..<count { out.append(UInt8(truncatingIfNeeded: random.next())) } }
        let blocks = rows * (rowLength / type.blockSize)
        switch type {
        case .f32:
            for _ in 0..<rows * rowLength { append((ones ? 1 : random.uniform(-0.05, 0.05)).bitPattern) }
        case .f16:
            for _ in 0..<rows * rowLength { half(ones ? 1 : random.uniform(-0.05, 0.05)) }
        case .q8_0:   // [f16 d][32 × int8]
            for _ in 0..<blocks {
                half(0.0006)
                for _ in 0..<4 { append(random.next()) }
            }
        case .q4_0:   // [f16 d][16 bytes of nibbles], w = d·(q − 8)
            for _ in 0..<blocks {
                half(0.01)
                for _ in 0..<2 { append(random.next()) }
            }
        case .q4_1:   // [f16 d][f16 m][16 bytes of nibbles], w = d·q + m
            for _ in 0..<blocks {
                half(0.01)
                half(-0.075)
                for _ in 0..<2 { append(random.next()) }
            }
        case .q5_0:   // [f16 d][u32 qh][16 bytes of nibbles], w = d·(q − 16)
            for _ in 0..<blocks {
                half(0.005)
                randomBytes(20)
            }
        case .q5_1:   // [f16 d][f16 m][u32 qh][16 bytes of nibbles], w = d·q + m
            for _ in 0..<blocks {
                half(0.005)
                half(-0.075)
                randomBytes(20)
            }
        case .q4_k, .q5_k:   // [f16 d][f16 dmin][12 scale bytes]([32 bytes qh])[128 bytes], w = d·sc·q − dmin·min
            for _ in 0..<blocks {
                half(type == .q4_k ? 0.08 / (63 * 15) : 0.08 / (63 * 31))
                half(0.04 / 63)
                randomBytes(type == .q4_k ? 140 : 172)
            }
        case .q6_k:   // [128 bytes ql][64 bytes qh][16 int8 scales][f16 d], w = d·scale·(q − 32)
            for _ in 0..<blocks {
                randomBytes(208)
                half(0.08 / (128 * 32))
            }
        case .q8_k:   // [f32 d][256 × int8][16 × int16 sums of 16 codes]
            for _ in 0..<blocks {
                append(Float(0.0006).bitPattern)
                let codes = (0..<256).map { _ in Int8(truncatingIfNeeded: random.next()) }
                out += codes.map { UInt8(bitPattern: $0) }
                for group in 0..<16 { append(Int16(codes[16 * group ..< 16 * group + 16].reduce(0) { $0 + Int($1) })) }
            }
        }
        return out
    }
}
