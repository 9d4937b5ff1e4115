import KernelABI

/// Where each row of a batch lives in the KV cache: `slots` and `positions` are int32 [rows] buffers. Row r belongs to
/// cache slot slots[r] (one slot per independent sequence) at position positions[r] of that sequence.
public struct RowPlacement<Buffer> {
    public var slots: Buffer
    public var positions: Buffer
    public init(slots: Buffer, positions: Buffer) { self.slots = slots; self.positions = positions }
}

/// The KV cache geometry of one layer: kCache and vCache are f32 [slots, ctx, kvWidth], kvWidth = nKVHeads · headDim.
public struct KVCacheShape: Sendable, Equatable {
    public var slots: Int, ctx: Int, nKVHeads: Int, headDim: Int
    public init(slots: Int, ctx: Int, nKVHeads: Int, headDim: Int) {
        self.slots = slots; self.ctx = ctx; self.nKVHeads = nKVHeads; self.headDim = headDim
    }
    public var kvWidth: Int { nKVHeads * headDim }
    public var bytes: Int { 4 * slots * ctx * kvWidth }
}

/// kCache[slot[r], pos[r], :] = k[kOffset + r·rowStride ..< +kvWidth], likewise v. Lets the fused QKV output be stored
/// without a copy (rowStride = q + k + v widths). The host guarantees slot < slots and pos < ctx (`validatePlacement`).
public struct KVStoreOp: Sendable, Equatable {
    public var rows: Int
    public var cache: KVCacheShape
    public var rowStride: Int, kOffset: Int, vOffset: Int
    public init(rows: Int, cache: KVCacheShape, rowStride: Int? = nil, kOffset: Int = 0, vOffset: Int = 0) {
        self.rows = rows; self.cache = cache
        self.rowStride = rowStride ?? cache.kvWidth; self.kOffset = kOffset; self.vOffset = vOffset
    }
    public var push: VeerKVStorePush {
        VeerKVStorePush(rows: UInt32(rows), kvWidth: UInt32(cache.kvWidth), ctx: UInt32(cache.ctx),
                        rowStride: UInt32(rowStride), kOffset: UInt32(kOffset), vOffset: UInt32(vOffset))
    }
    public func validate(k: Int, v: Int, kCache: Int, vCache: Int, slots: Int, positions: Int) throws {
        let op = "kv_store"
        try requirePositive(rows, "rows", op: op)
        let last = (rows - 1) * rowStride + cache.kvWidth
        try requireBytes(k, 4 * (kOffset + last), op: op, operand: "k")
        try requireBytes(v, 4 * (vOffset + last), op: op, operand: "v")
        try requireBytes(kCache, cache.bytes, op: op, operand: "kCache")
        try requireBytes(vCache, cache.bytes, op: op, operand: "vCache")
        try requireBytes(slots, 4 * rows, op: op, operand: "slots")
        try requireBytes(positions, 4 * rows, op: op, operand: "positions")
    }
}

/// Causal grouped-query attention over the KV cache, for a decode step (one row per sequence) or a prefill block
/// (many rows of one or more sequences) alike. Query row r, head h (read at qOffset + r·qRowStride + h·headDim)
/// attends to positions 0...pos[r] of slot slot[r], using KV head h / (nHeads / nKVHeads); with a sliding `window`
/// (> 0) only to the last `window` of them, `firstPosition(for:)`...pos[r] (llama.cpp's SWA mask: key position p0 is
/// masked when pos − p0 >= window). out: [rows, nHeads · headDim]. Scores and softmax are f32; the reduction order
/// depends only on the row.
public struct AttentionOp: Sendable, Equatable {
    public var rows: Int, nHeads: Int
    public var cache: KVCacheShape
    public var qRowStride: Int, qOffset: Int
    public var scale: Float
    /// Keys a query sees, counting its own position (Gemma 3's local layers); 0: every position up to its own.
    public var window: Int
    public init(rows: Int, nHeads: Int, cache: KVCacheShape, qRowStride: Int? = nil, qOffset: Int = 0,
                scale: Float? = nil, window: Int = 0) {
        self.rows = rows; self.nHeads = nHeads; self.cache = cache
        self.qRowStride = qRowStride ?? nHeads * cache.headDim; self.qOffset = qOffset
        self.scale = scale ?? 1 / Float(cache.headDim).squareRoot()
        self.window = window
    }
    /// The first key position a query at `position` attends to.
    @inline(__always)
    public func firstPosition(for position: Int) -> Int { window > 0 ? max(0, position - window + 1) : 0 }
    public var outWidth: Int { nHeads * cache.headDim }
    public var push: VeerAttentionPush {
        VeerAttentionPush(rows: UInt32(rows), nHeads: UInt32(nHeads), nKVHeads: UInt32(cache.nKVHeads),
                          headDim: UInt32(cache.headDim), ctx: UInt32(cache.ctx), qRowStride: UInt32(qRowStride),
                          qOffset: UInt32(qOffset), scale: scale, window: UInt32(window))
    }
    public func validate(q: Int, kCache: Int, vCache: Int, slots: Int, positions: Int, out: Int) throws {
        let op = "attention"
        try requirePositive(rows, "rows", op: op)
        guard nHeads > 0, cache.nKVHeads > 0, nHeads % cache.nKVHeads == 0 else {
            throw KernelError.invalidShape(op: op, detail: "nHeads \(nHeads) must be a positive multiple of nKVHeads \(cache.nKVHeads)")
        }
        guard window >= 0 else {
            throw KernelError.invalidShape(op: op, detail: "window \(window) must be 0 (off) or positive")
        }
        try requireBytes(q, 4 * (qOffset + (rows - 1) * qRowStride + outWidth), op: op, operand: "q")
        try requireBytes(kCache, cache.bytes, op: op, operand: "kCache")
        try requireBytes(vCache, cache.bytes, op: op, operand: "vCache")
        try requireBytes(slots, 4 * rows, op: op, operand: "slots")
        try requireBytes(positions, 4 * rows, op: op, operand: "positions")
        try requireBytes(out, 4 * rows * outWidth, op: op, operand: "out")
    }
}

extension KVCacheShape {
    /// Checks host-side placement arrays before they reach a kernel: slot < slots, 0 <= pos < ctx.
    public func validatePlacement(slots rowSlots: [Int32], positions: [Int32], op: String) throws {
        guard rowSlots.count == positions.count else {
            throw KernelError.invalidShape(op: op, detail: "\(rowSlots.count) slots but \(positions.count) positions")
        }
        for (s, p) in zip(rowSlots, positions) {
            guard s >= 0, Int(s) < slots else {
                throw KernelError.invalidShape(op: op, detail: "slot \(s) outside [0, \(slots))")
            }
            guard p >= 0, Int(p) < ctx else {
                throw KernelError.invalidShape(op: op, detail: "position \(p) outside the context [0, \(ctx))")
            }
        }
    }
}
