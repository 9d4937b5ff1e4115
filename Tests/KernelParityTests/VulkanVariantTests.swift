import Foundation
import KernelCases
import Kernels
import KernelsReference
import Testing
import TestSupport
import VulkanRuntime

@testable import KernelsVulkan

/// What only the Vulkan backend has: other matmul geometries, weights split over several bindings, and subgroup
/// variants of the shaders. Each must give the reference's results (the shared kernel cases) and the plain path's
/// bits. Validation and synchronization validation are on, and every message fails the test. The other kernels, batch
/// invariance, the Spherical guards and replays are checked by `VulkanParityTests` and `VulkanReplayTests`.
@Suite(.enabled(if: VulkanTestDevice.shouldRun, "needs a Vulkan device (Debian: apt-get install mesa-vulkan-drivers)"),
       .exclusiveVulkan)
struct VulkanVariantTests {
    /// The fused input-norm mat-vec also gives rmsnorm then matmul's bits (`FusionEquivalence.normMatmul`).
    @Test("every matmul and norm_matmul case matches the reference, and every row is batch invariant, in each geometry",
          arguments: MatmulGeometry.all)
    func matmulGeometries(_ geometry: MatmulGeometry) throws {
        let backend = try VulkanVariants.backend(matmul: geometry)
        try ValidatedVulkan.withValidation(of: backend) {
            for kernelCase in KernelCatalog.small where kernelCase is MatmulCase || kernelCase is NormMatmulCase {
                expectPassed(try kernelCase.validate(on: backend, reference: ReferenceBackend()), backend: "vulkan, \(geometry)")
            }
            for dtype in DType.allCases {
                try BatchInvariance.matmul(backend, dtype: dtype)
                try FusionEquivalence.normMatmul(backend, dtype: dtype)
            }
        }
    }

    @Test("weights and tables split over several bindings give the same bits as whole ones",
          arguments: DType.allCases, MatmulGeometry.all)
    func splitBindings(type: DType, geometry: MatmulGeometry) throws {
        // Bindings of 256 bytes, or two rows of a K type (a row of 256 q8_k weights is 292 bytes).
        let (rows, k, n) = (2, type.wholeBlocks(atLeast: 32), 30)
        let maxRange = max(256, 2 * type.rowBytes(k))
        let whole = try VulkanVariants.backend(matmul: geometry)
        let split = try VulkanVariants.backend(VulkanVariants.options(maxBindingBytes: maxRange), matmul: geometry)
        var random = SplitMix64(seed: "split.\(type).\(geometry)")
        let bytes = random.weights(type, rows: n, k: k)   // [n, k] in type
        let runs = try BindingRuns.split(rows: n, rowBytes: type.rowBytes(k), maxRange: maxRange,
                                         alignment: split.geometry.bindingAlignment, op: "test")
        #expect(runs.count > 1)   // q8_0 and q4_0 runs also start mid-alignment (their skew path)
        let x = random.floats(rows * k)
        var results: [[Float]] = []
        for backend in [whole, split] {
            try ValidatedVulkan.withValidation(of: backend) {
                let weights = try backend.makeBuffer(bytes, label: "w")
                let y = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y")
                let xBuffer = try backend.makeBuffer(x, label: "x")
                try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: type), x: xBuffer, weights: weights, y: y)
                // The fused input-norm mat-vec over the same runs.
                let normedY = try backend.makeBuffer(byteCount: 4 * n, label: "y.norm")
                try backend.normMatmul(NormMatmulOp(rows: 1, k: k, n: n, weightType: type, eps: 1e-5), x: xBuffer,
                                       normWeight: try backend.makeBuffer(Array(x.prefix(k)), label: "normWeight"),
                                       normed: try backend.makeBuffer(byteCount: 4 * k, label: "normed"), weights: weights,
                                       y: normedY)
                let embedded = try backend.makeBuffer(byteCount: 4 * rows * k, label: "e")
                try backend.embed(EmbedOp(rows: rows, width: k, vocab: n, tableType: type),
                                  ids: try backend.makeBuffer([Int32(29), 3], label: "ids"), table: weights, out: embedded)
                results.append(try backend.read(y, count: rows * n) + backend.read(embedded, count: rows * k)
                               + backend.read(normedY, count: n))
            }
        }
        expectBitIdentical(results[1], results[0], "\(type), \(geometry): split vs whole")
    }

    /// Every prefill kernel against matmul.comp's multi-row variant, all rows, in each reduction width: rows that
    /// fill no whole tile (21 = 5 x 4 + 1 = 16 + 5), columns that fill no whole workgroup, and k over several of the
    /// staged kernel's 128-value chunks of x, the last one partial (288 = 128 + 128 + 32; f16 also an odd k).
    @Test("the prefill kernels give the same bits as matmul.comp, row for row", arguments: [1, 32])
    func prefillKernelsAgree(lanes: Int) throws {
        var results: [PrefillMatmulKernel: [Float]] = [:]
        for kernel in PrefillMatmulKernel.allCases {
            let backend = try VulkanVariants.backend(matmul: MatmulGeometry(lanes: lanes, columnsPerLane: 1, prefill: kernel))
            #expect(DType.allCases.allSatisfy { backend.geometry.prefillMatmulKernel(for: $0) == kernel })
            try ValidatedVulkan.withValidation(of: backend) {
                var out: [Float] = []
                for dtype in DType.allCases {
                    var random = SplitMix64(seed: "prefill.kernels.\(dtype)")
                    let (rows, k, n) = (21, dtype.isQuantized ? dtype.wholeBlocks(atLeast: 288) : 131, 75)
                    let x = try backend.makeBuffer(random.floats(rows * k), label: "x")   // [rows, k] f32
                    let y = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y")  // [rows, n] f32
                    try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: dtype), x: x,
                                       weights: try backend.makeBuffer(random.weights(dtype, rows: n, k: k), label: "w"), y: y)
                    out += try backend.read(y, count: rows * n)
                }
                results[kernel] = out
            }
        }
        for kernel in [PrefillMatmulKernel.tiled, .staged] {
            expectBitIdentical(try #require(results[kernel]), try #require(results[.rows8]), "\(kernel) vs rows8, \(lanes) lanes")
        }
    }

    /// attention.comp (GPUs) and attention_serial.comp (CPU implementations), whatever the device.
    @Test("each attention kernel matches the reference and gives a row the same bits alone or in a batch",
          arguments: [false, true])
    func attentionKernels(serial: Bool) throws {
        let backend = VulkanBackend(context: try VulkanContext.make(VulkanVariants.options()), matmulLanes: nil,
                                    serialAttention: serial)
        #expect(backend.geometry.serialAttention == serial)
        try ValidatedVulkan.withValidation(of: backend) {
            for kernelCase in KernelCatalog.small where kernelCase is AttentionCase {
                expectPassed(try kernelCase.validate(on: backend, reference: ReferenceBackend()),
                             backend: "vulkan, serial attention \(serial)")
            }
            try BatchInvariance.attention(backend)
        }
    }

    @Test("CPU devices prefill with the tiled kernel (float weights: rows8) and serial attention, GPUs with rows8 and attention.comp, unless the options name a prefill kernel")
    func prefillKernelChoice() throws {
        var options = try VulkanVariants.options()
        options.prefillMatmul = nil
        let byDevice = VulkanBackend(context: try VulkanContext.make(options))
        let cpu = byDevice.device.info.type == .cpu
        for dtype in DType.allCases {
            #expect(byDevice.geometry.prefillMatmulKernel(for: dtype) == (cpu && dtype.isQuantized ? .tiled : .rows8), "\(dtype)")
        }
        #expect(byDevice.geometry.serialAttention == cpu)
        options.prefillMatmul = .staged
        let named = VulkanBackend(context: try VulkanContext.make(options))
        #expect(DType.allCases.allSatisfy { named.geometry.prefillMatmulKernel(for: $0) == .staged })
    }

    /// The device cannot throw on a bad id, so the shader writes NaN for it; the other rows are the reference's.
    @Test("embed gives the reference's rows, and NaN for an id outside the vocabulary", arguments: DType.allCases)
    func embedOutsideTheVocabulary(type: DType) throws {
        let (vocab, width) = (9, type.wholeBlocks(atLeast: 64))
        var random = SplitMix64(seed: "embed.outside.\(type)")
        let table = random.weights(type, rows: vocab, k: width)   // [vocab, width] in type
        let valid: [Int32] = [8, 0, 3, 3]
        let reference = ReferenceBackend()
        let expected = try Self.embed(reference, type: type, table: table, ids: valid, vocab: vocab, width: width)
        try ValidatedVulkan.withSharedBackend { backend in
            let got = try Self.embed(backend, type: type, table: table, ids: valid + [-1], vocab: vocab, width: width)
            expectBitIdentical(Array(got.prefix(expected.count)), expected, "embed \(type), ids in the vocabulary")
            #expect(got.suffix(width).allSatisfy { $0.isNaN }, "embed \(type): id -1 should give a NaN row")
        }
    }

    @Test("subgroup variants give the same bits as the plain ones", .enabled(if: VulkanVariants.hasSubgroups))
    func subgroupVariants() throws {
        let plain = try VulkanVariants.backend(VulkanVariants.options(disabled: [.subgroups]), matmul: .gpu)
        let fast = try VulkanVariants.backend(matmul: .gpu)
        #expect(!plain.usesSubgroups && fast.usesSubgroups)
        var results: [[Float]] = []
        for backend in [plain, fast] {
            try ValidatedVulkan.withValidation(of: backend) {
                var random = SplitMix64(seed: "subgroups")
                let (rows, k, n) = (3, 320, 37)
                let x = try backend.makeBuffer(random.floats(rows * k, -3, 3), label: "x")
                let y = try backend.makeBuffer(byteCount: 4 * rows * n, label: "y")
                try backend.matmul(MatmulOp(rows: rows, k: k, n: n, weightType: .q4_1), x: x,
                                   weights: try backend.makeBuffer(random.weights(.q4_1, rows: n, k: k), label: "w"), y: y)
                let norm = try backend.makeBuffer(byteCount: 4 * rows * k, label: "n")
                let normedY = try backend.makeBuffer(byteCount: 4 * n, label: "y.norm")
                try backend.normMatmul(NormMatmulOp(rows: 1, k: k, n: n, weightType: .q4_1, eps: 1e-6), x: x, normWeight: x,
                                       normed: norm, weights: try backend.makeBuffer(random.weights(.q4_1, rows: n, k: k), label: "w"),
                                       y: normedY)
                try backend.rmsnorm(RMSNormOp(rows: rows, width: k, eps: 1e-6), x: x, weight: x, out: norm)
                try backend.softmax(SoftmaxOp(rows: rows, width: k, log: true), x: norm, out: norm)
                let scenario = SteerScenario.make(.mixed, width: 96, rows: 15, random: &random)
                let steered = try backend.makeBuffer(scenario.x, label: "steered")
                try backend.residualSteer(ResidualSteerOp(rows: scenario.plan.rows, width: scenario.plan.width), x: steered,
                                          delta: try backend.makeBuffer(scenario.delta, label: "delta"),
                                          tables: try backend.makeSteerTables(scenario.plan), trace: nil)
                results.append(try backend.read(y, count: rows * n) + backend.read(norm, count: rows * k)
                               + backend.read(steered, count: scenario.x.count) + backend.read(normedY, count: n))
            }
        }
        expectBitIdentical(results[1], results[0], "subgroup variants vs plain")
    }

    static func embed<B: ComputeBackend>(_ backend: B, type: DType, table: [UInt8], ids: [Int32], vocab: Int,
                                         width: Int) throws -> [Float] {
        let out = try backend.makeBuffer(byteCount: 4 * ids.count * width, label: "out")   // [ids, width] f32
        try backend.embed(EmbedOp(rows: ids.count, width: width, vocab: vocab, tableType: type),
                          ids: try backend.makeBuffer(ids, label: "ids"), table: try backend.makeBuffer(table, label: "table"),
                          out: out)
        return try backend.read(out, count: ids.count * width)
    }
}

/// Vulkan backends with a chosen matmul geometry, binding limit or disabled features, each on its own context.
enum VulkanVariants {
    /// The environment's device choice and disabled features (VEER_DEVICE, VEER_VK_DISABLE), so a CI matrix runs
    /// these tests on each variant family; the binding limit only where a test sets it (these shapes exceed 256 B).
    static func options(maxBindingBytes: Int? = nil, disabled: Set<DeviceFeature> = []) throws -> VulkanOptions {
        VulkanTestDevice.configureLavapipe()
        var options = try VulkanOptions.fromEnvironment()
        options.validation = true
        options.maxBindingBytes = maxBindingBytes
        options.disabled.formUnion(disabled)
        return options
    }

    static func backend(_ options: VulkanOptions? = nil, matmul geometry: MatmulGeometry) throws -> VulkanBackend {
        VulkanBackend(context: try VulkanContext.make(options ?? self.options()), matmulLanes: geometry.lanes,
                      matmulColumnsPerLane: geometry.columnsPerLane, prefillMatmul: geometry.prefill)
    }

    static let hasSubgroups = (try? VulkanContext.make(options()).device.features.has(.subgroups)) ?? false
}

/// Matmul geometries: the GPU default (a 32-lane reduction tree per column), the CPU-device default (one lane, four
/// columns per invocation) and a mix, with matmul.comp's multi-row prefill; then the other prefill kernels
/// (`PrefillMatmulKernel`) in both reduction widths. Whatever the device, each is exercised here.
struct MatmulGeometry: Sendable, CustomStringConvertible {
    var lanes: Int
    var columnsPerLane: Int
    var prefill: PrefillMatmulKernel = .rows8
    static let gpu = MatmulGeometry(lanes: 32, columnsPerLane: 1)
    static let all = [gpu, MatmulGeometry(lanes: 1, columnsPerLane: 4), MatmulGeometry(lanes: 32, columnsPerLane: 4)]
        + [PrefillMatmulKernel.tiled, .staged].flatMap { kernel in
            [MatmulGeometry(lanes: 1, columnsPerLane: 4, prefill: kernel), MatmulGeometry(lanes: 32, columnsPerLane: 1, prefill: kernel)]
        }
    var description: String { "\(lanes) lanes x \(columnsPerLane) columns, prefill \(prefill)" }
}
