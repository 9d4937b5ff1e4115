import KernelABI

/// The tables the fused residual-steer and heads-edit kernels read (layouts in KernelABI):
/// - rowSeq: int32 [rows], the sequence of each row (index into seqParams);
/// - rowFlags: uint32 [rows], VEER_ROW_EDIT_DELTA (apply f to this row's delta) | VEER_ROW_STEER (apply g);
/// - seqParams: VeerSteerSeqParams [sequences], each sequence's kinds and parameters;
/// - vectors: f32 [nVectors, width], additive directions and Spherical prototypes, indexed by the params;
/// - unitIndex: uint32 [M] and unitCoef: f32 [M], the sparse (index, b) lists the params point into.
/// Position policies are decided on the host and arrive here as rowFlags, so the kernel never branches on positions.
public struct SteerTables<Buffer> {
    public var rowSeq: Buffer
    public var rowFlags: Buffer
    public var seqParams: Buffer
    public var vectors: Buffer
    public var unitIndex: Buffer
    public var unitCoef: Buffer
    /// The plan's shape: how many rows the tables describe, their width and how many sequences' parameters they
    /// hold. Kernels check their op against it.
    public let rows: Int
    public let width: Int
    public let sequences: Int

    /// Only `ComputeBackend.makeSteerTables(_:)` builds tables, after `SteerPlan.validate`, so every index a kernel
    /// follows is known to be in range.
    init(rowSeq: Buffer, rowFlags: Buffer, seqParams: Buffer, vectors: Buffer, unitIndex: Buffer, unitCoef: Buffer,
         rows: Int, width: Int, sequences: Int) {
        self.rowSeq = rowSeq; self.rowFlags = rowFlags; self.seqParams = seqParams
        self.vectors = vectors; self.unitIndex = unitIndex; self.unitCoef = unitCoef
        self.rows = rows; self.width = width; self.sequences = sequences
    }

    /// Throws unless these tables cover an op of this many rows (they may describe more: a model keeps one set
    /// for its largest batch and uses its first rows) and this width.
    public func check(rows: Int, width: Int, op: String) throws {
        guard rows <= self.rows, width == self.width else {
            throw KernelError.invalidTable(op: op, detail: "tables describe \(self.rows) rows of width \(self.width), the op has \(rows) of \(width)")
        }
    }
}

/// Host-side contents of `SteerTables`, validated before upload. Every backend receives exactly these arrays.
public struct SteerPlan: Sendable {
    public var width: Int
    public var rowSeq: [Int32]
    public var rowFlags: [UInt32]
    public var seqParams: [VeerSteerSeqParams]
    public var vectors: [Float]      // [nVectors, width]
    public var unitIndex: [UInt32]
    public var unitCoef: [Float]

    public init(width: Int, rowSeq: [Int32], rowFlags: [UInt32], seqParams: [VeerSteerSeqParams],
                vectors: [Float] = [], unitIndex: [UInt32] = [], unitCoef: [Float] = []) {
        self.width = width; self.rowSeq = rowSeq; self.rowFlags = rowFlags; self.seqParams = seqParams
        self.vectors = vectors; self.unitIndex = unitIndex; self.unitCoef = unitCoef
    }

    public var rows: Int { rowSeq.count }
    public var vectorCount: Int { width == 0 ? 0 : vectors.count / width }

    /// Checks every index and value the kernels will follow, so a bad table is an error here, never an
    /// out-of-bounds read on a device. `allowSpherical` is false for heads_edit, which has no rotation.
    public func validate(op: String, allowSpherical: Bool = true) throws {
        func fail(_ detail: String) -> KernelError { .invalidTable(op: op, detail: detail) }
        guard rowFlags.count == rowSeq.count else { throw fail("\(rowSeq.count) rowSeq entries but \(rowFlags.count) rowFlags") }
        guard width > 0, vectors.count % width == 0 else { throw fail("vectors hold \(vectors.count) floats, not a multiple of width \(width)") }
        guard unitIndex.count == unitCoef.count else { throw fail("\(unitIndex.count) unit indices but \(unitCoef.count) coefficients") }
        if let i = vectors.firstIndex(where: { !$0.isFinite }) { throw fail("vectors[\(i)] is \(vectors[i]), not finite") }
        if let i = unitCoef.firstIndex(where: { !$0.isFinite }) { throw fail("unit coefficient \(i) is \(unitCoef[i]), not finite") }
        for (r, s) in rowSeq.enumerated() where s < 0 || Int(s) >= seqParams.count {
            throw fail("row \(r) names sequence \(s), but there are \(seqParams.count)")
        }
        for (s, p) in seqParams.enumerated() {
            let known = VEER_STEER_DELTA_UNITS | VEER_STEER_ADD | VEER_STEER_UNITS | VEER_STEER_SPHERICAL
            guard p.flags & ~known == 0 else { throw fail("sequence \(s) has unknown flags 0x\(String(p.flags, radix: 16))") }
            for value in [p.addAlpha, p.unitAlpha, p.deltaUnitAlpha, p.sphAlpha, p.sphKappa, p.sphBeta] where !value.isFinite {
                throw fail("sequence \(s) has a non-finite parameter \(value)")
            }
            if p.flags & VEER_STEER_ADD != 0, Int(p.addVector) >= vectorCount {
                throw fail("sequence \(s) adds vector \(p.addVector), but there are \(vectorCount)")
            }
            if p.flags & VEER_STEER_UNITS != 0 {
                try checkUnits(offset: p.unitOffset, count: p.unitCount, seq: s, what: "unit list", fail: fail)
            }
            if p.flags & VEER_STEER_DELTA_UNITS != 0 {
                try checkUnits(offset: p.deltaUnitOffset, count: p.deltaUnitCount, seq: s, what: "delta unit list", fail: fail)
            }
            if p.flags & VEER_STEER_SPHERICAL != 0 {
                guard allowSpherical else { throw fail("sequence \(s) asks for a Spherical rotation, which \(op) does not do") }
                guard Int(p.sphMu) < vectorCount else { throw fail("sequence \(s) rotates toward vector \(p.sphMu), but there are \(vectorCount)") }
                guard p.sphBeta >= -1, p.sphBeta < 1 else { throw fail("sequence \(s): beta \(p.sphBeta) must be in [-1, 1)") }
                let mu = vectors[Int(p.sphMu) * width ..< (Int(p.sphMu) + 1) * width]
                let norm = mu.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                guard abs(norm - 1) < 1e-3 else { throw fail("sequence \(s): prototype \(p.sphMu) has norm \(norm), not 1") }
            }
        }
    }

    private func checkUnits(offset: UInt32, count: UInt32, seq: Int, what: String,
                            fail: (String) -> KernelError) throws {
        let lo = Int(offset), hi = Int(offset) + Int(count)
        guard hi <= unitIndex.count else { throw fail("sequence \(seq): \(what) \(lo)..<\(hi) runs past \(unitIndex.count) entries") }
        var seen = Set<UInt32>()
        for j in lo..<hi {
            guard Int(unitIndex[j]) < width else { throw fail("sequence \(seq): unit \(unitIndex[j]) outside width \(width)") }
            guard seen.insert(unitIndex[j]).inserted else { throw fail("sequence \(seq): unit \(unitIndex[j]) listed twice") }
        }
    }
}

extension VeerSteerSeqParams {
    /// A sequence with no steering (f and g are identity).
    public static var none: VeerSteerSeqParams { VeerSteerSeqParams() }
}

/// The fused residual update: x[rows, width] += f(delta[rows, width]) on every row, then x = g(x) on rows flagged
/// VEER_ROW_STEER, all in one launch (see KernelABI and steering-methods.md §0, §2, §4). With a trace buffer
/// (f32 [rows, 4]) it also writes [t, normBefore, normAfter, cosine] per row.
public struct ResidualSteerOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public init(rows: Int, width: Int) { self.rows = rows; self.width = width }
    public func push(writeTrace: Bool) -> VeerResidualSteerPush {
        VeerResidualSteerPush(rows: UInt32(rows), width: UInt32(width), hasDelta: 1, writeTrace: writeTrace ? 1 : 0)
    }
    public func validate(x: Int, delta: Int, trace: Int?) throws {
        let op = "residual_steer"
        try requirePositive(rows, "rows", op: op); try requirePositive(width, "width", op: op)
        try requireBytes(x, 4 * rows * width, op: op, operand: "x")
        try requireBytes(delta, 4 * rows * width, op: op, operand: "delta")
        if let trace { try requireBytes(trace, 4 * rows * Int(VEER_TRACE_WIDTH), op: op, operand: "trace") }
    }
}

/// Edits attention heads before the output projection: x[rows, nHeads·headDim] = g(x) on flagged rows, g limited to
/// the additive part (per-head addition, ITI: the vector holds α·σ·θ on the selected heads' slices) and sparse unit
/// scaling (AUSteer `attention`).
public struct HeadsEditOp: Sendable, Equatable {
    public var rows: Int, width: Int
    public init(rows: Int, width: Int) { self.rows = rows; self.width = width }
    public var push: VeerResidualSteerPush {
        VeerResidualSteerPush(rows: UInt32(rows), width: UInt32(width), hasDelta: 0, writeTrace: 0)
    }
    public func validate(x: Int) throws {
        try requirePositive(rows, "rows", op: "heads_edit"); try requirePositive(width, "width", op: "heads_edit")
        try requireBytes(x, 4 * rows * width, op: "heads_edit", operand: "x")
    }
}
