import Kernels
import VulkanRuntime

/// Workgroup shapes of the kernels, fixed per backend. They are part of the arithmetic, not only of the speed:
/// every reduction's tree is as wide as its workgroup (or, for matmul, `matmulLanes`), so changing one changes the
/// last bits of the results. One backend keeps one geometry, so a row is bit-identical alone or in a batch.
struct KernelGeometry {
    /// Lanes that share one output column of matmul (the reduction width), and columns per workgroup. GPUs: 32
    /// lanes, so a warp reads a row's blocks side by side. CPU implementations (lavapipe) run barriers as coroutine
    /// switches, which made the 32-lane matvec 20x slower there than one invocation per column: they get 1 lane.
    let matmulLanes: Int
    let matmulGroup = 128
    /// Columns each lane group computes, sharing its loads of x (COLUMNS_PER_LANE in Shaders/matmul.comp): on CPU
    /// implementations loads are the bottleneck; on GPUs one column per lane group keeps registers free.
    let matmulColumnsPerLane: Int
    var matmulColumnsPerGroup: Int { matmulGroup / matmulLanes * matmulColumnsPerLane }
    /// The kernel for matmuls of more than one row named by the options or a test; nil: the device's default for
    /// the weight type (`prefillMatmulKernel(for:)`).
    let prefillMatmulOverride: PrefillMatmulKernel?
    let deviceType: DeviceType
    /// Row reductions (rmsnorm, softmax, argmax, topk, token_logprobs, residual_steer): one workgroup per row.
    let rowGroup: Int
    /// Element-wise kernels (embed, rope, swiglu, kv_store).
    let elementGroup: Int
    /// Attention: positions scored per chunk, also its reduction width (Shaders/attention.comp).
    let attentionGroup: Int
    /// Whether attention runs Shaders/attention_serial.comp (one invocation per row and head, no barriers; its own
    /// summation order) instead of attention.comp. CPU implementations: a 128-token prefill's attention ran 10x
    /// faster on lavapipe.
    let serialAttention: Bool
    /// Invocations per workgroup of attention_serial.comp: one 256-bit SIMD row of lavapipe.
    let serialAttentionGroup = 8
    /// The most workgroups per grid axis.
    let maxGroups: [Int]
    /// minStorageBufferOffsetAlignment: split weights are bound from aligned offsets (BindingRuns).
    let bindingAlignment: Int

    /// `matmulLanes`, `matmulColumnsPerLane` and `prefillMatmul` override the defaults for the device type (tests,
    /// VEER_VK_PREFILL_MATMUL).
    init(limits: DeviceLimits, type: DeviceType, matmulLanes: Int? = nil, matmulColumnsPerLane: Int? = nil,
         prefillMatmul: PrefillMatmulKernel? = nil, serialAttention: Bool? = nil) {
        self.matmulLanes = matmulLanes ?? (type == .cpu ? 1 : 32)
        self.matmulColumnsPerLane = matmulColumnsPerLane ?? (type == .cpu ? 4 : 1)
        prefillMatmulOverride = prefillMatmul
        deviceType = type
        self.serialAttention = serialAttention ?? (type == .cpu)
        // Powers of two (the reduction trees need them), within the 256 invocations every target device allows.
        let cap = Self.powerOfTwo(atMost: min(256, limits.maxWorkgroupInvocations, limits.maxWorkgroupSize[0]))
        rowGroup = cap
        elementGroup = cap
        attentionGroup = min(128, cap)
        maxGroups = limits.maxWorkgroupCount
        bindingAlignment = max(4, limits.minStorageBufferOffsetAlignment)
    }

    /// The kernel for prefill matmuls with `type` weights. lavapipe (`veer bench kernels`, 64x576x1536): tiled
    /// 1.2-1.8x faster than rows8 for q8_0, q4_0 and q4_1, but 1.1-1.2x slower for f32 and f16; at the 128-token
    /// prefill shapes of SmolLM2-135M (q4_1) 1.4-2.5x faster; staged 2.5-3x slower than both (its barriers). GPUs
    /// keep rows8 until tiled and staged are measured on one.
    func prefillMatmulKernel(for type: DType) -> PrefillMatmulKernel {
        if let prefillMatmulOverride { return prefillMatmulOverride }
        return deviceType == .cpu && type.isQuantized ? .tiled : .rows8
    }

    /// The one-row kernel: matmul.comp with ROWS=1, variant `prefix` + weight type.
    func matvecShape(prefix: String) -> PrefillMatmulShape {
        PrefillMatmulShape(variantPrefix: prefix, rowsPerGroup: 1, columnsPerGroup: matmulColumnsPerGroup,
                           specialization: matmulSpecialization)
    }

    /// The prefill kernel's variant prefix, workgroup shape and specialization constants for `type` weights.
    func prefillMatmul(for type: DType) -> PrefillMatmulShape {
        switch prefillMatmulKernel(for: type) {
        case .rows8:
            return PrefillMatmulShape(variantPrefix: "matmul_", rowsPerGroup: 8, columnsPerGroup: matmulColumnsPerGroup,
                                      specialization: matmulSpecialization)
        case .tiled:
            // COLUMNS=8 and ROWS=4 in Shaders/variants.txt. One lane per column: 8 invocations (one 256-bit SIMD
            // row of lavapipe, 64 columns: no idle column at SmolLM2's widths); else the usual workgroup.
            return tiledShape(prefix: "matmul_tiled_", rows: 4, columnsPerLane: 8,
                              group: matmulLanes == 1 ? 8 : matmulGroup)
        case .staged:
            return tiledShape(prefix: "matmul_staged_", rows: 16, columnsPerLane: 4, group: matmulGroup)
        }
    }

    private func tiledShape(prefix: String, rows: Int, columnsPerLane: Int, group: Int) -> PrefillMatmulShape {
        PrefillMatmulShape(variantPrefix: prefix, rowsPerGroup: rows, columnsPerGroup: group / matmulLanes * columnsPerLane,
                           specialization: [UInt32(group), UInt32(matmulLanes), UInt32(bindingAlignment)])
    }

    /// Specialization constants: constant 0 is the workgroup size (local_size_x_id = 0); matmul's constant 1 its
    /// lanes per column, 2 the binding alignment (embed's 1), 3 its columns per lane group.
    var matmulSpecialization: [UInt32] {
        [UInt32(matmulGroup), UInt32(matmulLanes), UInt32(bindingAlignment), UInt32(matmulColumnsPerLane)]
    }
    var embedSpecialization: [UInt32] { [UInt32(elementGroup), UInt32(bindingAlignment)] }
    var rowSpecialization: [UInt32] { [UInt32(rowGroup)] }
    var elementSpecialization: [UInt32] { [UInt32(elementGroup)] }
    var attentionSpecialization: [UInt32] { [UInt32(attentionGroup)] }

    /// A 1D count of workgroups folded into (x, y): the shaders recover the flat index as x + y * gridWidth
    /// (Shaders/include/grid.glsl) and skip the surplus of the last y row.
    func folded(_ count: Int, op: String) throws -> (x: Int, y: Int, z: Int) {
        let x = max(1, min(count, maxGroups[0]))
        let y = (count + x - 1) / x
        guard y <= maxGroups[1] else {
            throw KernelError.unsupported(
                op: op, detail: "\(count) workgroups exceed the device grid (\(maxGroups[0]) x \(maxGroups[1])); split the batch")
        }
        return (x, max(1, y), 1)
    }

    /// A 2D grid whose axes index directly (e.g. chunks of a row on x, rows on y); throws beyond the device limits.
    func grid(_ x: Int, _ y: Int, _ z: Int = 1, op: String) throws -> (x: Int, y: Int, z: Int) {
        for (axis, count) in [x, y, z].enumerated() where count > maxGroups[axis] {
            throw KernelError.unsupported(
                op: op, detail: "\(count) workgroups on grid axis \(axis), the device allows \(maxGroups[axis]); split the batch")
        }
        return (max(1, x), max(1, y), max(1, z))
    }

    static func powerOfTwo(atMost n: Int) -> Int {
        var p = 1
        while p * 2 <= n { p *= 2 }
        return p
    }
}

/// How one matmul kernel (the one-row mat-vec or a prefill kernel) is dispatched: variant `variantPrefix + weight type`, a workgroup per
/// `rowsPerGroup` rows and `columnsPerGroup` columns.
struct PrefillMatmulShape {
    let variantPrefix: String
    let rowsPerGroup: Int
    let columnsPerGroup: Int
    let specialization: [UInt32]
}

/// Ceiling division for group counts.
func groups(_ count: Int, of size: Int) -> Int { (count + size - 1) / size }

/// Rounds a byte count up to whole 32-bit words: shaders read packed data as `uint[]`.
func roundUpToWord(_ bytes: Int) -> Int { (bytes + 3) & ~3 }
