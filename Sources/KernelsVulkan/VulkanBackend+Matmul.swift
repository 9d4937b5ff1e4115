import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// y[rows, n] = x[rows, k] . W^T. One row: the matvec variant; more: the multi-row variant, which reads each
    /// weight once per 8 rows. Both compute every output element in the same order (Shaders/matmul.comp), so a row
    /// comes out bit-identical either way. Weights larger than one binding run as several dispatches over n.
    public func matmul(_ op: MatmulOp, x: Buffer, weights: Buffer, y: Buffer) throws {
        try op.validate(x: x.byteCount, weights: weights.byteCount, y: y.byteCount)
        let variant = reductionVariant((op.rows == 1 ? "matvec_" : "matmul_") + op.weightType.description)
        try dispatchMatmulRuns(op, variant: variant, specialization: geometry.matmulSpecialization, x: x,
                               weights: weights, y: y) { $0 }
    }

    /// Dispatches a matmul.comp variant once per binding run of the weights (several runs when the weights exceed
    /// what one binding may cover), each with its columns in the push constants that `push` wraps.
    func dispatchMatmulRuns<Push: BitwiseCopyable>(
        _ op: MatmulOp, variant: String, specialization: [UInt32], x: Buffer, weights: Buffer, y: Buffer,
        extraBindings: [BufferBinding] = [], push: (VeerMatmulPush) -> Push
    ) throws {
        let rowsPerGroup = op.rows == 1 ? 1 : geometry.matmulRowsPerGroup
        let runs = try BindingRuns.split(
            rows: op.n, rowBytes: op.weightType.rowBytes(op.k), maxRange: device.limits.splitBindingBytes,
            alignment: geometry.bindingAlignment, op: "matmul")
        let xBinding = bind(x, .read, bytes: 4 * (op.xOffset + op.rows * op.k))
        let yBinding = bind(y, .write, bytes: 4 * (op.yOffset + op.rows * op.n))
        for run in runs {
            var runPush = op.push
            runPush.colBase = UInt32(run.rows.lowerBound)
            runPush.colCount = UInt32(run.rows.count)
            let columnGroups = groups(run.rows.count, of: geometry.matmulColumnsPerGroup)
            var grid = try geometry.folded(columnGroups, op: "matmul")
            grid.z = groups(op.rows, of: rowsPerGroup)
            grid = try geometry.grid(grid.x, grid.y, grid.z, op: "matmul")
            try dispatch(
                variant, specialization: specialization,
                bindings: [xBinding, bind(weights, .read, bytes: run.bytes, offset: run.offset), yBinding] + extraBindings,
                push: push(runPush), groups: grid)
        }
    }
}
