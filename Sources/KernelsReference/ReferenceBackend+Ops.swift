import Kernels
import KernelABI

// Each op: validate the buffers, copy the operands out as arrays, run the Reference function, copy the result back.
extension ReferenceBackend {
    public func matmul(_ op: MatmulOp, x: HostBuffer, weights: HostBuffer, y: HostBuffer) throws {
        try op.validate(x: x.byteCount, weights: weights.byteCount, y: y.byteCount)
        let (input, matrix) = (x.loadAll(Float.self), weights.loadAll(UInt8.self))
        let result = precision == .q8 ? try Reference.matmulQ8(op, x: input, weights: matrix)
                                      : try Reference.matmul(op, x: input, weights: matrix)
        y.store(result, offset: op.yOffset)
    }

    public func embed(_ op: EmbedOp, ids: HostBuffer, table: HostBuffer, out: HostBuffer) throws {
        try op.validate(ids: ids.byteCount, table: table.byteCount, out: out.byteCount)
        out.store(try Reference.embed(op, ids: ids.load(Int32.self, count: op.rows), table: table.loadAll(UInt8.self)))
    }

    public func rmsnorm(_ op: RMSNormOp, x: HostBuffer, weight: HostBuffer, out: HostBuffer) throws {
        try op.validate(x: x.byteCount, weight: weight.byteCount, out: out.byteCount)
        out.store(try Reference.rmsnorm(op, x: x.load(Float.self, count: op.rows * op.width),
                                        weight: weight.load(Float.self, count: op.width)))
    }

    public func rope(_ op: RopeOp, x: HostBuffer, positions: HostBuffer, freqFactors: HostBuffer?) throws {
        try op.validate(x: x.byteCount, positions: positions.byteCount, freqFactors: freqFactors?.byteCount)
        var values = x.load(Float.self, count: op.rows * op.rowStride)
        try Reference.rope(op, x: &values, positions: positions.load(Int32.self, count: op.rows),
                           freqFactors: freqFactors?.load(Float.self, count: op.nRot / 2))
        x.store(values)
    }

    public func biasAdd(_ op: BiasAddOp, x: HostBuffer, bias: HostBuffer) throws {
        try op.validate(x: x.byteCount, bias: bias.byteCount)
        var values = x.load(Float.self, count: op.xExtent)
        try Reference.biasAdd(op, x: &values, bias: bias.load(Float.self, count: op.width))
        x.store(values)
    }

    public func swiglu(_ op: SwigluOp, gate: HostBuffer, up: HostBuffer, out: HostBuffer) throws {
        try op.validate(gate: gate.byteCount, up: up.byteCount, out: out.byteCount)
        out.store(try Reference.swiglu(op, gate: gate.load(Float.self, count: op.gateExtent),
                                       up: up.load(Float.self, count: op.upExtent)))
    }

    public func softmax(_ op: SoftmaxOp, x: HostBuffer, out: HostBuffer) throws {
        try op.validate(x: x.byteCount, out: out.byteCount)
        out.store(try Reference.softmax(op, x: x.load(Float.self, count: op.rows * op.width)))
    }

    public func kvStore(_ op: KVStoreOp, k: HostBuffer, v: HostBuffer, kCache: HostBuffer, vCache: HostBuffer,
                        rows: RowPlacement<HostBuffer>) throws {
        try op.validate(k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                        slots: rows.slots.byteCount, positions: rows.positions.byteCount)
        let cacheCount = op.cache.bytes / 4
        var keys = kCache.load(Float.self, count: cacheCount), values = vCache.load(Float.self, count: cacheCount)
        try Reference.kvStore(op, k: k.loadAll(Float.self), v: v.loadAll(Float.self), kCache: &keys, vCache: &values,
                              slots: rows.slots.load(Int32.self, count: op.rows),
                              positions: rows.positions.load(Int32.self, count: op.rows))
        kCache.store(keys)
        vCache.store(values)
    }

    public func ropeStore(_ op: RopeStoreOp, q: HostBuffer, k: HostBuffer, v: HostBuffer, kCache: HostBuffer,
                          vCache: HostBuffer, rows: RowPlacement<HostBuffer>, freqFactors: HostBuffer?) throws {
        try op.validate(q: q.byteCount, k: k.byteCount, v: v.byteCount, kCache: kCache.byteCount,
                        vCache: vCache.byteCount, slots: rows.slots.byteCount, positions: rows.positions.byteCount,
                        qSharesKV: q === k || q === v, freqFactors: freqFactors?.byteCount)
        let cacheCount = op.cache.bytes / 4
        var queries = q.loadAll(Float.self)
        var keys = kCache.load(Float.self, count: cacheCount), values = vCache.load(Float.self, count: cacheCount)
        // k and v are read before q is stored back: when they share q's buffer they must be the unrotated inputs.
        try Reference.ropeStore(op, q: &queries, k: k.loadAll(Float.self), v: v.loadAll(Float.self), kCache: &keys,
                                vCache: &values, slots: rows.slots.load(Int32.self, count: op.rows),
                                positions: rows.positions.load(Int32.self, count: op.rows),
                                freqFactors: freqFactors?.load(Float.self, count: op.nRot / 2))
        q.store(queries)
        kCache.store(keys)
        vCache.store(values)
    }

    public func kvCopy(_ op: KVCopyOp, kCache: HostBuffer, vCache: HostBuffer) throws {
        try op.validate(kCache: kCache.byteCount, vCache: vCache.byteCount)
        if op.isEmpty { return }
        let cacheCount = op.cache.bytes / 4
        var keys = kCache.load(Float.self, count: cacheCount), values = vCache.load(Float.self, count: cacheCount)
        try Reference.kvCopy(op, kCache: &keys, vCache: &values)
        kCache.store(keys)
        vCache.store(values)
    }

    public func attention(_ op: AttentionOp, q: HostBuffer, kCache: HostBuffer, vCache: HostBuffer,
                          rows: RowPlacement<HostBuffer>, out: HostBuffer) throws {
        try op.validate(q: q.byteCount, kCache: kCache.byteCount, vCache: vCache.byteCount,
                        slots: rows.slots.byteCount, positions: rows.positions.byteCount, out: out.byteCount)
        let cacheCount = op.cache.bytes / 4
        out.store(try Reference.attention(
            op, q: q.loadAll(Float.self), kCache: kCache.load(Float.self, count: cacheCount),
            vCache: vCache.load(Float.self, count: cacheCount), slots: rows.slots.load(Int32.self, count: op.rows),
            positions: rows.positions.load(Int32.self, count: op.rows)))
    }

    public func argmax(_ op: ArgmaxOp, x: HostBuffer, ids: HostBuffer) throws {
        try op.validate(x: x.byteCount, ids: ids.byteCount)
        ids.store(try Reference.argmax(op, x: x.load(Float.self, count: op.rows * op.width)))
    }

    public func topk(_ op: TopKOp, x: HostBuffer, ids: HostBuffer, values: HostBuffer) throws {
        try op.validate(x: x.byteCount, ids: ids.byteCount, values: values.byteCount)
        let result = try Reference.topk(op, x: x.load(Float.self, count: op.rows * op.width))
        ids.store(result.ids)
        values.store(result.values)
    }

    public func tokenLogprobs(_ op: TokenLogprobsOp, logits: HostBuffer, targets: HostBuffer, out: HostBuffer) throws {
        try op.validate(logits: logits.byteCount, targets: targets.byteCount, out: out.byteCount)
        out.store(try Reference.tokenLogprobs(op, logits: logits.load(Float.self, count: op.rows * op.width),
                                              targets: targets.load(Int32.self, count: op.rows)))
    }

    public func rowHealth(_ op: RowHealthOp, x: HostBuffer, out: HostBuffer) throws {
        try op.validate(x: x.byteCount, out: out.byteCount)
        out.store(try Reference.rowHealth(op, x: x.load(Float.self, count: op.rows * op.width)))
    }

    public func residualSteer(_ op: ResidualSteerOp, x: HostBuffer, delta: HostBuffer, tables: SteerTables<HostBuffer>,
                              trace: HostBuffer?) throws {
        try op.validate(x: x.byteCount, delta: delta.byteCount, trace: trace?.byteCount)
        try tables.check(rows: op.rows, width: op.width, op: "residual_steer")
        var values = x.load(Float.self, count: op.rows * op.width)
        let rowTrace = Reference.steer(rows: op.rows, width: op.width, x: &values,
                                       delta: delta.load(Float.self, count: op.rows * op.width), plan: plan(tables))
        x.store(values)
        trace?.store(rowTrace)
    }

    public func headsEdit(_ op: HeadsEditOp, x: HostBuffer, tables: SteerTables<HostBuffer>) throws {
        try op.validate(x: x.byteCount)
        try tables.check(rows: op.rows, width: op.width, op: "heads_edit")
        var values = x.load(Float.self, count: op.rows * op.width)
        Reference.steer(rows: op.rows, width: op.width, x: &values, delta: nil, plan: plan(tables))
        x.store(values)
    }

    /// The host arrays behind device tables. Tables only come from `makeSteerTables`, which validated the plan.
    private func plan(_ tables: SteerTables<HostBuffer>) -> SteerPlan {
        SteerPlan(width: tables.width, rowSeq: tables.rowSeq.load(Int32.self, count: tables.rows),
                  rowFlags: tables.rowFlags.load(UInt32.self, count: tables.rows),
                  seqParams: tables.seqParams.loadAll(VeerSteerSeqParams.self), vectors: tables.vectors.loadAll(Float.self),
                  unitIndex: tables.unitIndex.loadAll(UInt32.self), unitCoef: tables.unitCoef.loadAll(Float.self))
    }
}
