import KernelABI
import Kernels
import VulkanRuntime

extension VulkanBackend {
    /// y[rows, n] = x[rows, k] . W^T. One row: the matvec variant; more: the prefill kernel of the geometry
    /// (`PrefillMatmulKernel`), which reads each weight once per tile of rows. All compute every output element in
    /// the same order (Shaders/matmul.comp's header), so a row comes out bit-identical either way. Weights larger
    /// than one binding run as several dispatches over n.
    public func matmul(_ op: MatmulOp, x: Buffer, weights: Buffer, y: Buffer) throws {
        try op.validate(x: x.byteCount, weights: weights.byteCount, y: y.byteCount)
        let shape = op.rows == 1 ? geometry.matvecShape(prefix: "matvec_") : geometry.prefillMatmul(for: op.weightType)
        try dispatchMatmulRuns(op, shape: shape, x: x, weights: weights, y: y) { $0 }
    }

    /// Dispatches a matmul kernel (`shape`: its variant prefix, tile and specialization) once per binding run of the
    /// weights (several runs when the weights exceed what one binding may cover), each with its columns in the push
    /// constants that `push` wraps.
    func dispatchMatmulRuns<Push: BitwiseCopyable>(
        _ op: MatmulOp, shape: PrefillMatmulShape, x: Buffer, weights: Buffer, y: Buffer,
        extraBindings: [BufferBinding] = [], push: (VeerMatmulPush) -> Push
    ) throws {
        let variant = reductionVariant(shape.variantPrefix + op.weightType.description)
        let runs = try BindingRuns.split(
            rows: op.n, rowBytes: op.weightType.rowBytes(op.k), maxRange: device.limits.splitBindingBytes,
            alignment: geometry.bindingAlignment, op: "matmul")
        let xBinding = bind(x, .read, bytes: 4 * (op.xOffset + op.rows * op.k))
        let yBinding = bind(y, .write, bytes: 4 * (op.yOffset + op.rows * op.n))
        for run in runs {
            var runPush = op.push
            runPush.colBase = UInt32(run.rows.lowerBound)
            runPush.colCount = UInt32(run.rows.count)
            let columnGroups = groups(run.rows.count, of: shape.columnsPerGroup)
            var grid = try geometry.folded(columnGroups, op: "matmul")
            grid.z = groups(op.rows, of: shape.rowsPerGroup)
            grid = try geometry.grid(grid.x, grid.y, grid.z, op: "matmul")
            try dispatch(
                variant, specialization: shape.specialization,
                bindings: [xBinding, bind(weights, .read, bytes: run.bytes, offset: run.offset), yBinding] + extraBindings,
                push: push(runPush), groups: grid)
        }
    }
}
