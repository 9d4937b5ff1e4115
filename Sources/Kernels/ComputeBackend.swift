import KernelABI

/// A buffer owned by a backend. Its contents are only read or written through the backend.
public protocol DeviceBuffer: AnyObject {
    var byteCount: Int { get }
}

/// What every backend (CPU, Vulkan) does. Ops are issued in order; a backend may run them at once (CPU) or record them
/// and run them at the next `synchronize()` or `read` (Vulkan). Results never depend on other rows of a batch or on
/// the thread count: each row's reductions run in a fixed order, so a sequence is bit-identical alone or in a batch.
///
/// Every op validates its operand sizes first (the op structs' `validate`) and throws `KernelError` on a mismatch.
public protocol ComputeBackend: AnyObject {
    associatedtype Buffer: DeviceBuffer
    /// A sequence of ops recorded once and run again and again (a decode step).
    associatedtype Replay = ImmediateReplay

    /// A one-line description: backend, device, precision.
    var name: String { get }
    /// Collects time per op class when profiling is on (`VEER_PROFILE=1`); nil otherwise.
    var profiler: OpProfiler? { get }
    /// Runs the ops `body` issues to completion and returns how long the device took for them in milliseconds, timed
    /// on the device itself (Vulkan: GPU timestamps); nil where the backend has no such clock (the caller then times
    /// the call on the wall clock, which for a backend that runs its ops as it issues them is the same thing).
    func deviceMilliseconds(_ body: () throws -> Void) throws -> Double?

    func makeBuffer(byteCount: Int, label: String) throws -> Buffer
    /// A buffer holding weights `bytes` that stay valid while `owner` lives (a mapped model file). Backends on host
    /// memory use them in place; others copy them to the device.
    func makeWeightBuffer(_ bytes: UnsafeRawBufferPointer, owner: AnyObject, label: String) throws -> Buffer
    /// Copies bytes into a buffer at a byte offset. Ordered after every op already issued.
    func write(_ bytes: UnsafeRawBufferPointer, to buffer: Buffer, at byteOffset: Int) throws
    /// Waits for every issued op, then copies bytes out.
    func read(_ buffer: Buffer, at byteOffset: Int, into bytes: UnsafeMutableRawBufferPointer) throws
    /// Waits until every issued op has finished.
    func synchronize() throws

    /// Records the ops `body` issues so that `replay` can run them again without re-encoding them. Inside `body`,
    /// ops only: no `read`, `write` or `synchronize` (a replayed step cannot stop for the host). The buffers it
    /// uses are fixed at recording; change their contents with `write` between replays.
    func record(_ body: @escaping () throws -> Void) throws -> Replay
    /// Runs a recorded step after every op issued before it.
    func replay(_ replay: Replay) throws

    func matmul(_ op: MatmulOp, x: Buffer, weights: Buffer, y: Buffer) throws
    func embed(_ op: EmbedOp, ids: Buffer, table: Buffer, out: Buffer) throws
    func rmsnorm(_ op: RMSNormOp, x: Buffer, weight: Buffer, out: Buffer) throws
    /// y = rmsnorm(x) · Wᵀ (`NormMatmulOp`), bit-identical to `normThenMatmul`, which is the default. A backend that
    /// pays per launch fuses the two where it can (Vulkan: the decode mat-vec).
    func normMatmul(_ op: NormMatmulOp, x: Buffer, normWeight: Buffer, normed: Buffer, weights: Buffer, y: Buffer) throws
    /// In-place RoPE (`RopeOp`); `freqFactors` (f32 [nRot/2], Llama 3's rope scaling) divides each pair's angle,
    /// nil: no factors (all 1).
    func rope(_ op: RopeOp, x: Buffer, positions: Buffer, freqFactors: Buffer?) throws
    /// out = act(gate) · up (`SwigluOp`: SwiGLU or GeGLU).
    func swiglu(_ op: SwigluOp, gate: Buffer, up: Buffer, out: Buffer) throws
    /// x += bias per row, in place (`BiasAddOp`).
    func biasAdd(_ op: BiasAddOp, x: Buffer, bias: Buffer) throws
    func softmax(_ op: SoftmaxOp, x: Buffer, out: Buffer) throws
    func kvStore(_ op: KVStoreOp, k: Buffer, v: Buffer, kCache: Buffer, vCache: Buffer, rows: RowPlacement<Buffer>) throws
    /// Rotates q's query heads in place and writes the rotated keys and the values into the cache (`RopeStoreOp`):
    /// the result of rope on q, rope on k and kvStore, bit for bit, in one launch; k is left unrotated.
    /// `freqFactors` as for `rope`.
    func ropeStore(_ op: RopeStoreOp, q: Buffer, k: Buffer, v: Buffer, kCache: Buffer, vCache: Buffer,
                   rows: RowPlacement<Buffer>, freqFactors: Buffer?) throws
    /// Copies a slot's first positions into other slots of both caches (`KVCopyOp`); nothing is issued when empty.
    func kvCopy(_ op: KVCopyOp, kCache: Buffer, vCache: Buffer) throws
    func attention(_ op: AttentionOp, q: Buffer, kCache: Buffer, vCache: Buffer, rows: RowPlacement<Buffer>,
                   out: Buffer) throws
    func argmax(_ op: ArgmaxOp, x: Buffer, ids: Buffer) throws
    func topk(_ op: TopKOp, x: Buffer, ids: Buffer, values: Buffer) throws
    func tokenLogprobs(_ op: TokenLogprobsOp, logits: Buffer, targets: Buffer, out: Buffer) throws
    func rowHealth(_ op: RowHealthOp, x: Buffer, out: Buffer) throws
    func residualSteer(_ op: ResidualSteerOp, x: Buffer, delta: Buffer, tables: SteerTables<Buffer>,
                       trace: Buffer?) throws
    func headsEdit(_ op: HeadsEditOp, x: Buffer, tables: SteerTables<Buffer>) throws
}

extension ComputeBackend {
    /// RoPE without frequency factors.
    public func rope(_ op: RopeOp, x: Buffer, positions: Buffer) throws {
        try rope(op, x: x, positions: positions, freqFactors: nil)
    }

    /// rope_store without frequency factors.
    public func ropeStore(_ op: RopeStoreOp, q: Buffer, k: Buffer, v: Buffer, kCache: Buffer, vCache: Buffer,
                          rows: RowPlacement<Buffer>) throws {
        try ropeStore(op, q: q, k: k, v: v, kCache: kCache, vCache: vCache, rows: rows, freqFactors: nil)
    }

    /// Copies the weights into a new buffer.
    public func makeWeightBuffer(_ bytes: UnsafeRawBufferPointer, owner: AnyObject, label: String) throws -> Buffer {
        let buffer = try makeBuffer(byteCount: bytes.count, label: label)
        try write(bytes, to: buffer, at: 0)
        return buffer
    }

    /// No device clock: runs the ops and waits for them.
    public func deviceMilliseconds(_ body: () throws -> Void) throws -> Double? {
        try body()
        try synchronize()
        return nil
    }

    public func normMatmul(_ op: NormMatmulOp, x: Buffer, normWeight: Buffer, normed: Buffer, weights: Buffer,
                           y: Buffer) throws {
        try normThenMatmul(op, x: x, normWeight: normWeight, normed: normed, weights: weights, y: y)
    }

    /// `NormMatmulOp` as two ops: rmsnorm into `normed`, then the matmul on it. Host backends need nothing more (a
    /// launch costs them nothing); the Vulkan backend uses it for batches of rows.
    public func normThenMatmul(_ op: NormMatmulOp, x: Buffer, normWeight: Buffer, normed: Buffer, weights: Buffer,
                               y: Buffer) throws {
        try op.validate(x: x.byteCount, normWeight: normWeight.byteCount, normed: normed.byteCount,
                        weights: weights.byteCount, y: y.byteCount)
        try rmsnorm(op.norm, x: x, weight: normWeight, out: normed)
        try matmul(op.matmul, x: normed, weights: weights, y: y)
    }

    /// Backends that cannot time their ops never profile.
    public var profiler: OpProfiler? { nil }

    /// A new buffer holding `values`.
    public func makeBuffer<T>(_ values: [T], label: String) throws -> Buffer {
        let buffer = try makeBuffer(byteCount: max(1, values.count) * MemoryLayout<T>.stride, label: label)
        try values.withUnsafeBytes { try write($0, to: buffer, at: 0) }
        return buffer
    }

    /// Reads `count` values of type T from the start of a buffer.
    public func read<T>(_ buffer: Buffer, as type: T.Type = T.self, count: Int) throws -> [T] {
        try [T](unsafeUninitializedCapacity: count) { storage, initialized in
            try read(buffer, at: 0, into: UnsafeMutableRawBufferPointer(storage))
            initialized = count
        }
    }

    /// Validates a steering plan and uploads it as device tables. With `sharingRowsWith`, the new tables use that
    /// table's row mapping (rowSeq, rowFlags) instead of uploading their own, so several blocks' tables share one
    /// mapping that `writeSteerRows` rewrites once per pass; the plan must describe the same rows and sequences.
    public func makeSteerTables(_ plan: SteerPlan, op: String = "residual_steer", allowSpherical: Bool = true,
                                sharingRowsWith shared: SteerTables<Buffer>? = nil) throws -> SteerTables<Buffer> {
        try plan.validate(op: op, allowSpherical: allowSpherical)
        if let shared, shared.rows != plan.rows || shared.sequences != plan.seqParams.count {
            throw KernelError.invalidTable(op: op, detail: "cannot share rows: \(shared.rows) rows of \(shared.sequences) sequences vs \(plan.rows) of \(plan.seqParams.count)")
        }
        return SteerTables(
            rowSeq: try shared?.rowSeq ?? makeBuffer(plan.rowSeq, label: "steer.rowSeq"),
            rowFlags: try shared?.rowFlags ?? makeBuffer(plan.rowFlags, label: "steer.rowFlags"),
            seqParams: try makeBuffer(plan.seqParams, label: "steer.seqParams"),
            vectors: try makeBuffer(plan.vectors.isEmpty ? [Float(0)] : plan.vectors, label: "steer.vectors"),
            unitIndex: try makeBuffer(plan.unitIndex.isEmpty ? [UInt32(0)] : plan.unitIndex, label: "steer.unitIndex"),
            unitCoef: try makeBuffer(plan.unitCoef.isEmpty ? [Float(0)] : plan.unitCoef, label: "steer.unitCoef"),
            rows: plan.rows, width: plan.width, sequences: plan.seqParams.count)
    }

    /// Rewrites the first rows of a table's row mapping (which sequence each row belongs to, and which edits apply
    /// to it in this pass), checked as a plan is: every sequence index in range, only known row flags.
    public func writeSteerRows(_ tables: SteerTables<Buffer>, rowSeq: [Int32], rowFlags: [UInt32]) throws {
        func fail(_ detail: String) -> KernelError { .invalidTable(op: "steer rows", detail: detail) }
        guard rowSeq.count == rowFlags.count, rowSeq.count <= tables.rows else {
            throw fail("\(rowSeq.count) rowSeq and \(rowFlags.count) rowFlags entries for tables of \(tables.rows) rows")
        }
        if let r = rowSeq.firstIndex(where: { $0 < 0 || Int($0) >= tables.sequences }) {
            throw fail("row \(r) names sequence \(rowSeq[r]), but there are \(tables.sequences)")
        }
        if let r = rowFlags.firstIndex(where: { $0 & ~(VEER_ROW_EDIT_DELTA | VEER_ROW_STEER) != 0 }) {
            throw fail("row \(r) has unknown flags 0x\(String(rowFlags[r], radix: 16))")
        }
        try rowSeq.withUnsafeBytes { try write($0, to: tables.rowSeq, at: 0) }
        try rowFlags.withUnsafeBytes { try write($0, to: tables.rowFlags, at: 0) }
    }
}

/// The replay of a backend that runs ops as they are issued (CPU, reference): recording keeps the closure and
/// replaying calls it again, so the step's ops run exactly as they would if issued one by one.
public struct ImmediateReplay {
    let body: () throws -> Void
}

extension ComputeBackend where Replay == ImmediateReplay {
    public func record(_ body: @escaping () throws -> Void) throws -> ImmediateReplay { ImmediateReplay(body: body) }
    public func replay(_ replay: ImmediateReplay) throws { try replay.body() }
}
