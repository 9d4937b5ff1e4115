import Foundation
import Kernels
import KernelsReference
import Testing

/// Reference.dequantize against the `gguf` Python package (tools/quant-fixtures.py wrote the fixture): block bytes
/// quantized by gguf (random valid blocks for the K types, which gguf cannot quantize), and gguf's own dequantized
/// floats (q8_k: ggml's d·q, which gguf lacks), which must come back bit for bit. A swapped nibble order, a misread
/// scale or a fused d·q + m would each break this.
@Suite struct QuantFixtureTests {
    struct Fixture: Decodable {
        struct Entry: Decodable { let count: Int; let bytes: String; let floats: String }
        let gguf: String
        let types: [String: Entry]
    }

    static func load() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/quants.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// Little-endian f32 bit patterns from hex.
    static func hexFloatBits(_ hex: String) -> [UInt32] {
        let bytes = hexBytes(hex)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
    }

    @Test(arguments: [DType.q4_0, .q4_1, .q8_0, .f16, .q5_0, .q5_1, .q4_k, .q5_k, .q6_k, .q8_k])
    func dequantizeMatchesGGUF(type: DType) throws {
        let entry = try #require(try Self.load().types[type.description], "fixture has no \(type) entry")
        let bytes = Self.hexBytes(entry.bytes)
        #expect(bytes.count == type.rowBytes(entry.count))
        let expected = Self.hexFloatBits(entry.floats)
        let decoded = try Reference.dequantize(type, bytes, count: entry.count)
        #expect(decoded.count == expected.count)
        var mismatches = 0
        for (i, (value, bits)) in zip(decoded, expected).enumerated() {
            let same = value.bitPattern == bits || (value.isNaN && Float(bitPattern: bits).isNaN)
            if !same {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(type)[\(i)]: got \(value), gguf \(Float(bitPattern: bits))") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func fixtureCoversTheAwkwardValues() throws {
        let fixture = try Self.load()
        let f16 = try #require(fixture.types["f16"])
        let values = Self.hexFloatBits(f16.floats).map { Float(bitPattern: $0) }
        #expect(values.contains { $0.isInfinite } && values.contains { $0.isNaN } && values.contains { $0.isSubnormal || ($0 != 0 && abs($0) < 6.1e-5) })
        // Q4_1's all-equal block has d = 0: every weight decodes to m.
        let q41 = try Reference.dequantize(.q4_1, Self.hexBytes(try #require(fixture.types["q4_1"]).bytes), count: 1024)
        #expect(q41.contains { $0 == Reference.halfToFloat(Reference.floatToHalf(0.37)) })
    }

    @Test func rejectsAPartialBlock() {
        #expect(throws: KernelError.self) { try Reference.dequantize(.q4_1, [UInt8](repeating: 0, count: 20), count: 16) }
        #expect(throws: KernelError.self) { try Reference.dequantize(.q8_0, [UInt8](repeating: 0, count: 33), count: 32) }
        #expect(throws: KernelError.self) { try Reference.dequantize(.q4_k, [UInt8](repeating: 0, count: 144), count: 128) }
        #expect(throws: KernelError.self) { try Reference.dequantize(.q6_k, [UInt8](repeating: 0, count: 209), count: 256) }
    }
}
