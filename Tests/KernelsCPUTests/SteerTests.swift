import TestSupport
import Kernels
import KernelABI
import KernelsCPU
import KernelsReference
import Testing

/// The fused residual update against the reference, and its batch invariance over mixed sequences.
@Suite struct SteerTests {
    static let both = VEER_ROW_EDIT_DELTA | VEER_ROW_STEER

    /// Sequences: 0 plain; 1 delta units + add + units; 2 add + Spherical; 3 Spherical with β = −1 (always on).
    /// Vectors: 0 an additive direction, 1 the unit prototype μ.
    static func tables(width: Int, rng: inout SeededRandom) -> (seqParams: [VeerSteerSeqParams], vectors: [Float],
                                                                 unitIndex: [UInt32], unitCoef: [Float]) {
        var edit = VeerSteerSeqParams()
        edit.flags = VEER_STEER_DELTA_UNITS | VEER_STEER_ADD | VEER_STEER_UNITS
        edit.deltaUnitAlpha = 3; edit.deltaUnitOffset = 0; edit.deltaUnitCount = 2
        edit.addAlpha = 0.7; edit.addVector = 0
        edit.unitAlpha = -15; edit.unitOffset = 2; edit.unitCount = 3
        var sphere = VeerSteerSeqParams()
        sphere.flags = VEER_STEER_ADD | VEER_STEER_SPHERICAL
        sphere.addAlpha = 0.1; sphere.addVector = 0
        sphere.sphAlpha = 0.6; sphere.sphKappa = 20; sphere.sphBeta = -0.3; sphere.sphMu = 1
        var always = VeerSteerSeqParams()
        always.flags = VEER_STEER_SPHERICAL
        always.sphAlpha = 0.9; always.sphKappa = 2; always.sphBeta = -1; always.sphMu = 1
        let unitIndex: [UInt32] = [0, UInt32(width - 1), 1, UInt32(width / 2), UInt32(width - 2)]
        return ([.none, edit, sphere, always], rng.floats(width) + rng.unitVector(width), unitIndex,
                [0.5, -0.25, 0.05, 0.02, -0.1])
    }

    /// Rows of every kind, including the Spherical edge cases: aligned with μ, antipodal, zero.
    static func batch(width: Int, rng: inout SeededRandom, mu: [Float]) -> (x: [Float], delta: [Float], seq: [Int32], flags: [UInt32]) {
        var x = rng.floats(12 * width, scale: 3), delta = rng.floats(12 * width)
        let seq: [Int32] = [0, 1, 1, 1, 2, 2, 3, 3, 3, 3, 2, 0]
        let flags: [UInt32] = [both, both, VEER_ROW_STEER, VEER_ROW_EDIT_DELTA, both, 0, both, both, both, both, both, both]
        func set(_ row: Int, x values: [Float], delta d: Float = 0) {
            x.replaceSubrange(row * width ..< (row + 1) * width, with: values)
            delta.replaceSubrange(row * width ..< (row + 1) * width, with: [Float](repeating: d, count: width))
        }
        set(7, x: mu.map { 4 * $0 })      // aligned: θ < 1e-4 → unchanged
        set(8, x: mu.map { -4 * $0 })     // antipodal
        set(9, x: [Float](repeating: 0, count: width))   // zero row
        return (x, delta, seq, flags)
    }

    @Test(arguments: [576, 100, 7])
    func matchesReference(width: Int) throws {
        var rng = SeededRandom(seed: UInt64(width))
        let t = Self.tables(width: width, rng: &rng)
        let mu = Array(t.vectors[width...])
        let b = Self.batch(width: width, rng: &rng, mu: mu)
        let plan = SteerPlan(width: width, rowSeq: b.seq, rowFlags: b.flags, seqParams: t.seqParams, vectors: t.vectors,
                             unitIndex: t.unitIndex, unitCoef: t.unitCoef)
        let op = ResidualSteerOp(rows: b.seq.count, width: width)
        var expected = b.x
        let expectedTrace = try Reference.residualSteer(op, x: &expected, delta: b.delta, plan: plan)
        let got = try CPUBackend().runResidualSteer(op, x: b.x, delta: b.delta, plan: plan)
        for r in 0..<b.seq.count {
            let span = r * width ..< (r + 1) * width
            let error = nmse(Array(expected[span]), Array(got.x[span]))
            #expect(error <= ToleranceClass.reduction.nmseCeiling, "width \(width) row \(r): NMSE \(error)")
            #expect(got.x[span].allSatisfy { $0.isFinite })
            // Trace: t, norms and cosine to 1e-5 relative (they summarise f32 rows).
            for field in 0..<4 {
                let e = expectedTrace[4 * r + field], g = got.trace[4 * r + field]
                #expect(abs(e - g) <= 1e-5 * max(1, abs(e)), "row \(r) trace[\(field)]: \(g) vs \(e)")
            }
        }
        // The aligned row is left exactly as x + delta (delta 0 here), the zero row stays zero.
        #expect(Array(got.x[7 * width ..< 8 * width]) == Array(b.x[7 * width ..< 8 * width]))
        #expect(got.x[9 * width ..< 10 * width].allSatisfy { $0 == 0 })
        #expect(got.trace[4 * 6] > 0, "a β = −1 row is always rotated")
    }

    /// Each row alone (a one-row plan with the same sequences) gives the same bits as inside the mixed batch.
    @Test func rowsAreBitIdenticalAloneAndInTheBatch() throws {
        let width = 576
        var rng = SeededRandom(seed: 42)
        let t = Self.tables(width: width, rng: &rng)
        let b = Self.batch(width: width, rng: &rng, mu: Array(t.vectors[width...]))
        let cpu = CPUBackend()
        func plan(_ seq: [Int32], _ flags: [UInt32]) -> SteerPlan {
            SteerPlan(width: width, rowSeq: seq, rowFlags: flags, seqParams: t.seqParams, vectors: t.vectors,
                      unitIndex: t.unitIndex, unitCoef: t.unitCoef)
        }
        let all = try cpu.runResidualSteer(ResidualSteerOp(rows: b.seq.count, width: width), x: b.x, delta: b.delta,
                                           plan: plan(b.seq, b.flags))
        for r in 0..<b.seq.count {
            let span = r * width ..< (r + 1) * width
            let alone = try cpu.runResidualSteer(ResidualSteerOp(rows: 1, width: width), x: Array(b.x[span]),
                                                 delta: Array(b.delta[span]), plan: plan([b.seq[r]], [b.flags[r]]))
            #expect(bits(alone.x) == bits(Array(all.x[span])), "row \(r)")
            #expect(bits(alone.trace) == bits(Array(all.trace[4 * r ..< 4 * r + 4])), "trace of row \(r)")
        }
    }

    @Test func headsEditMatchesReference() throws {
        let width = 9 * 64
        var rng = SeededRandom(seed: 8)
        let t = Self.tables(width: width, rng: &rng)
        let plan = SteerPlan(width: width, rowSeq: [1, 0, 1], rowFlags: [VEER_ROW_STEER, VEER_ROW_STEER, 0],
                             seqParams: Array(t.seqParams[0...1]), vectors: t.vectors, unitIndex: t.unitIndex, unitCoef: t.unitCoef)
        let x = rng.floats(3 * width)
        var expected = x
        try Reference.headsEdit(HeadsEditOp(rows: 3, width: width), x: &expected, plan: plan)
        let cpu = CPUBackend()
        let buffer = try cpu.makeBuffer(x, label: "x")
        try cpu.headsEdit(HeadsEditOp(rows: 3, width: width), x: buffer,
                          tables: cpu.makeSteerTables(plan, op: "heads_edit", allowSpherical: false))
        let got: [Float] = try cpu.read(buffer, count: 3 * width)
        #expect(nmse(expected, got) <= ToleranceClass.elementwise.nmseCeiling)
        #expect(Array(got[(2 * width)...]) == Array(x[(2 * width)...]), "an unflagged row is untouched")
    }

    /// Tables built for a larger batch serve a smaller op through their first rows.
    @Test func tablesForMoreRowsServeTheFirstRows() throws {
        let width = 100
        var rng = SeededRandom(seed: 10)
        let t = Self.tables(width: width, rng: &rng)
        let b = Self.batch(width: width, rng: &rng, mu: Array(t.vectors[width...]))
        let plan = SteerPlan(width: width, rowSeq: b.seq, rowFlags: b.flags, seqParams: t.seqParams, vectors: t.vectors,
                             unitIndex: t.unitIndex, unitCoef: t.unitCoef)
        let rows = 6
        let cpu = CPUBackend()
        let full = try cpu.runResidualSteer(ResidualSteerOp(rows: b.seq.count, width: width), x: b.x, delta: b.delta, plan: plan)
        let x = try cpu.makeBuffer(Array(b.x[..<(rows * width)]), label: "x")
        try cpu.residualSteer(ResidualSteerOp(rows: rows, width: width), x: x,
                              delta: cpu.makeBuffer(Array(b.delta[..<(rows * width)]), label: "delta"),
                              tables: cpu.makeSteerTables(plan), trace: nil)
        #expect(bits(try cpu.read(x, count: rows * width)) == bits(Array(full.x[..<(rows * width)])))
    }

    @Test func tablesForAnotherShapeAreRejected() throws {
        let cpu = CPUBackend()
        let plan = SteerPlan(width: 4, rowSeq: [0], rowFlags: [0], seqParams: [.none])
        let x = try cpu.makeBuffer([Float](repeating: 1, count: 8), label: "x")
        #expect(throws: KernelError.self) {
            try cpu.residualSteer(ResidualSteerOp(rows: 2, width: 4), x: x, delta: x, tables: cpu.makeSteerTables(plan), trace: nil)
        }
    }
}
