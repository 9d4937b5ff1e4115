import Kernels

/// One dispatch's share of a tensor of fixed-size rows: rows `rows`, bound from byte `offset` for `bytes` bytes.
/// The first row starts `(rows.lowerBound * rowBytes) % alignment` bytes into the binding; the shaders recompute
/// that skew from the row index and the alignment (specialization constant BINDING_ALIGN).
struct BindingRun: Equatable {
    var rows: Range<Int>
    var offset: Int
    var bytes: Int
}

/// Splitting a tensor of fixed-size rows (a weight matrix, an embedding table) into runs that each fit one storage
/// binding. Vulkan only promises 128 MiB per binding (`maxStorageBufferRange`, lavapipe's limit), which a large
/// vocabulary projection exceeds, so the backend dispatches once per run. Binding offsets must be multiples of
/// `minStorageBufferOffsetAlignment`: each run is bound from the aligned address at or below its first row, so a
/// run may start at any row. VEER_VK_MAX_BINDING_BYTES lowers the limit (`DeviceLimits.splitBindingBytes`) to
/// exercise this path in CI.
enum BindingRuns {
    static func split(rows: Int, rowBytes: Int, maxRange: Int, alignment: Int, op: String) throws -> [BindingRun] {
        if roundUpToWord(rows * rowBytes) <= maxRange { return [BindingRun(rows: 0..<rows, offset: 0, bytes: rows * rowBytes)] }
        let align = max(4, alignment)
        let usable = maxRange & ~3   // a run is bound in whole words
        var runs: [BindingRun] = []
        var start = 0
        while start < rows {
            let offset = start * rowBytes / align * align
            let skew = start * rowBytes - offset
            let count = min(rows - start, (usable - skew) / rowBytes)
            guard count > 0 else {
                throw KernelError.unsupported(
                    op: op, detail: "a row of \(rowBytes) bytes (plus up to \(align - 4) bytes to keep the binding offset "
                        + "\(align)-byte aligned) does not fit one binding of \(maxRange) bytes "
                        + "(the device's maxStorageBufferRange, or VEER_VK_MAX_BINDING_BYTES when lower)")
            }
            runs.append(BindingRun(rows: start..<start + count, offset: offset, bytes: skew + count * rowBytes))
            start += count
        }
        return runs
    }
}
