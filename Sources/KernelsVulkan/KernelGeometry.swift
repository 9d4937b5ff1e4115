import Kernels
import VulkanRuntime

/// Workgroup shapes of the kernels, fixed per backend. They are part of the arithmetic, not only of the speed:
/// every reduction's tree is as wide as its workgroup (or, for matmul, `matmulLanes`), so changing one changes the
/// last bits of the results. One backend keeps one geometry, so a row is bit-identical alone or in a batch.
struct KernelGeometry {
    /// Lanes that share one output column of matmul (the reduction width), and columns per workgroup.
    let matmulLanes = 32
    let matmulColumnsPerGroup = 4
    /// Rows per workgroup of the multi-row matmul variants (ROWS in Shaders/variants.txt).
    let matmulRowsPerGroup = 8
    /// Row reductions (rmsnorm, softmax, argmax, topk, token_logprobs, residual_steer): one workgroup per row.
    let rowGroup: Int
    /// Element-wise kernels (embed, rope, swiglu, kv_store).
    let elementGroup: Int
    /// Attention: positions scored per chunk, also its reduction width.
    let attentionGroup: Int
    /// The most workgroups per grid axis.
    let maxGroups: [Int]
    /// minStorageBufferOffsetAlignment: split weights are bound from aligned offsets (BindingRuns).
    let bindingAlignment: Int

    init(limits: DeviceLimits) {
        // Powers of two (the reduction trees need them), within the 256 invocations every target device allows.
        let cap = Self.powerOfTwo(atMost: min(256, limits.maxWorkgroupInvocations, limits.maxWorkgroupSize[0]))
        rowGroup = cap
        elementGroup = cap
        attentionGroup = min(128, cap)
        maxGroups = limits.maxWorkgroupCount
        bindingAlignment = max(4, limits.minStorageBufferOffsetAlignment)
    }

    var matmulGroup: Int { matmulLanes * matmulColumnsPerGroup }

    /// Specialization constants: constant 0 is the workgroup size (local_size_x_id = 0); matmul's constant 1 its
    /// lanes per column, 2 the binding alignment (embed's 1).
    var matmulSpecialization: [UInt32] { [UInt32(matmulGroup), UInt32(matmulLanes), UInt32(bindingAlignment)] }
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

/// Ceiling division for group counts.
func groups(_ count: Int, of size: Int) -> Int { (count + size - 1) / size }

/// Rounds a byte count up to whole 32-bit words: shaders read packed data as `uint[]`.
func roundUpToWord(_ bytes: Int) -> Int { (bytes + 3) & ~3 }
