import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// y = rmsnorm(x) · Wᵀ. One row (decode) on a GPU: the input-norm mat-vec (matmul.comp with INPUT_NORM), which
    /// computes the row's sum of squares in rmsnorm.comp's order and scales x as it loads it: no norm launch, and the
    /// same bits as rmsnorm then the mat-vec. Otherwise rmsnorm into `normed`, then the matmul (`normThenMatmul`):
    /// for more rows (prefill), and on CPU devices (`KernelGeometry.fusesInputNorm`).
    public func normMatmul(_ op: NormMatmulOp, x: Buffer, normWeight: Buffer, normed: Buffer, weights: Buffer,
                           y: Buffer) throws {
        guard op.matmul.rows == 1, geometry.fusesInputNorm else {
            try normThenMatmul(op, x: x, normWeight: normWeight, normed: normed, weights: weights, y: y)
            return
        }
        try op.validate(x: x.byteCount, normWeight: normWeight.byteCount, normed: normed.byteCount,
                        weights: weights.byteCount, y: y.byteCount)
        let shape = PrefillMatmulShape(variantPrefix: "matvec_norm_", rowsPerGroup: 1,
                                       columnsPerGroup: geometry.matmulColumnsPerGroup,
                                       specialization: geometry.normMatvecSpecialization)
        try dispatchMatmulRuns(op.matmul, shape: shape, x: x, weights: weights, y: y,
                               extraBindings: [bind(normWeight, .read, bytes: 4 * op.matmul.k)]) {
            VeerNormMatmulPush(matmul: $0, eps: op.eps)
        }
    }
}

extension KernelGeometry {
    /// Whether one-row norm matmuls use the input-norm mat-vec. It must replay rmsnorm's reduction tree: rmsnorm runs
    /// `rowGroup` lanes, the mat-vec `matmulGroup` invocations, each taking the place of up to MAX_NORM_SPAN
    /// (matmul.comp) of rmsnorm's lanes. And it must pay: its tree needs barriers, which the one-lane mat-vec of CPU
    /// devices otherwise has none of. On lavapipe (2 cores, 2026-12-06) the fused mat-vec took 0.88 ms for QKV
    /// (576 -> 960, q4_1) against 0.55 + 0.07 ms for the mat-vec plus rmsnorm, and 50.8 ms for the output head
    /// (576 -> 49152, q8_0) against 36.4 + 0.07 ms; so only the GPU geometry (lanes > 1, barriers already) fuses.
    var fusesInputNorm: Bool {
        matmulLanes > 1 && rowGroup % matmulGroup == 0 && rowGroup / matmulGroup <= 2
    }
    /// The mat-vec's constants, then (constant 4) rmsnorm's workgroup size, the width of the tree it replays.
    var normMatvecSpecialization: [UInt32] { matmulSpecialization + [UInt32(rowGroup)] }
}
