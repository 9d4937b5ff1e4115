import Kernels
import KernelsCPU
import KernelsReference
import TestSupport
import Testing

/// row_health's meaning on hand-made rows, with the expected results written out (not taken from the reference):
/// the generator's degenerate-logits check rests on it, on every backend.
@Suite struct RowHealthTests {
    static let width = 37   // no multiple of a SIMD width or a workgroup
    static let ramp = (0..<width).map { -1.5 + 0.25 * Float($0) }   // -1.5 ... 7.5

    /// (row, expected (min, max, nonFinite), degenerate?)
    static let rows: [(values: [Float], expected: [Float], degenerate: Bool)] = [
        (ramp, [-1.5, 7.5, 0], false),
        ([Float](repeating: 0, count: width), [0, 0, 0], true),               // what an overflowing residual gives
        ([Float](repeating: 3, count: width), [3, 3, 0], true),
        (with(ramp, [20: .nan]), [-1.5, 7.5, 1], true),
        (with(ramp, [0: .infinity, 36: -.infinity]), [-1.25, 7.25, 2], true),
        ([Float](repeating: .nan, count: width), [.infinity, -.infinity, Float(width)], true),
        (with(ramp, [5: 1e30, 6: -1e30]), [-1e30, 1e30, 0], false),          // huge but finite and spread: healthy
    ]

    static func with(_ row: [Float], _ changes: [Int: Float]) -> [Float] {
        var row = row
        for (i, v) in changes { row[i] = v }
        return row
    }

    func check<B: ComputeBackend>(_ backend: B) throws {
        let op = RowHealthOp(rows: Self.rows.count, width: Self.width)
        let out = try backend.makeBuffer(byteCount: 4 * op.rows * RowHealth.width, label: "out")
        try backend.rowHealth(op, x: backend.makeBuffer(Self.rows.flatMap(\.values), label: "x"), out: out)
        let health = RowHealth.rows(try backend.read(out, count: op.rows * RowHealth.width))
        #expect(health.count == Self.rows.count)
        for (r, (got, row)) in zip(health, Self.rows).enumerated() {
            #expect([got.minimum, got.maximum, Float(got.nonFinite)] == row.expected, "row \(r): \(got)")
            #expect(got.isDegenerate == row.degenerate, "row \(r): \(got)")
        }
    }

    @Test func reference() throws { try check(ReferenceBackend()) }

    @Test func cpu() throws {
        try check(CPUBackend(threads: 1))
        try check(CPUBackend(threads: 3))
    }

    @Test(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device"), .exclusiveVulkan)
    func vulkan() throws { try ValidatedVulkan.withSharedBackend { try check($0) } }

    @Test func undersizedBuffersAreRefused() throws {
        let cpu = CPUBackend(threads: 1)
        let op = RowHealthOp(rows: 2, width: 8)
        #expect(throws: KernelError.self) {
            try cpu.rowHealth(op, x: cpu.makeBuffer([Float](repeating: 0, count: 16), label: "x"),
                              out: cpu.makeBuffer(byteCount: 4 * 5, label: "out"))
        }
    }
}
