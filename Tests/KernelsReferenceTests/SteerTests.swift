import Kernels
import KernelABI
import KernelsReference
import Testing

/// The fused residual update on hand-computed rows: f on delta, then add, units and Spherical, with the trace.
@Suite struct SteerTests {
    /// Sequence 0: no steering. Sequence 1: delta units, add and units. Sequence 2: Spherical toward e_0.
    /// Without `sphere` the Spherical sequence is left out (heads_edit refuses any plan that holds one).
    static func plan(rowSeq: [Int32], rowFlags: [UInt32], sphere withSphere: Bool = true) -> SteerPlan {
        var plain = VeerSteerSeqParams.none
        plain.flags = 0
        var edit = VeerSteerSeqParams()
        edit.flags = VEER_STEER_DELTA_UNITS | VEER_STEER_ADD | VEER_STEER_UNITS
        edit.deltaUnitAlpha = 2; edit.deltaUnitOffset = 0; edit.deltaUnitCount = 1
        edit.addAlpha = 0.5; edit.addVector = 0
        edit.unitAlpha = -1; edit.unitOffset = 1; edit.unitCount = 2
        var sphere = VeerSteerSeqParams()
        sphere.flags = VEER_STEER_SPHERICAL
        sphere.sphAlpha = 100; sphere.sphKappa = 1; sphere.sphBeta = -1; sphere.sphMu = 1
        return SteerPlan(width: 4, rowSeq: rowSeq, rowFlags: rowFlags, seqParams: withSphere ? [plain, edit, sphere] : [plain, edit],
                         vectors: [2, 4, 6, 8,  1, 0, 0, 0],
                         unitIndex: [3, 0, 2], unitCoef: [0.5, 0.25, 1])
    }

    @Test func handComputedRows() throws {
        let both = VEER_ROW_EDIT_DELTA | VEER_ROW_STEER
        let plan = Self.plan(rowSeq: [0, 1, 1, 1, 2], rowFlags: [both, both, VEER_ROW_STEER, VEER_ROW_EDIT_DELTA, VEER_ROW_STEER])
        var x: [Float] = [1, 1, 1, 1,  1, 1, 1, 1,  1, 1, 1, 1,  1, 1, 1, 1,  0, 3, 0, 4]
        let delta: [Float] = [1, 2, 3, 4,  1, 2, 3, 4,  1, 2, 3, 4,  1, 2, 3, 4,  0, 0, 0, 0]
        let trace = try Reference.residualSteer(ResidualSteerOp(rows: 5, width: 4), x: &x, delta: delta, plan: plan)

        // Row 0, unsteered sequence: x + delta.
        #expect(Array(x[0..<4]) == [2, 3, 4, 5])
        // Row 1: delta[3] *= 1 + 2·0.5 → 8; x + delta = [2, 3, 4, 9]; + 0.5·[2, 4, 6, 8] = [3, 5, 7, 13];
        // units: x[0] *= 1 − 0.25, x[2] *= 1 − 1 → [2.25, 5, 0, 13].
        #expect(Array(x[4..<8]) == [2.25, 5, 0, 13])
        // Row 2: steer only (delta not edited): [2, 3, 4, 5] + [1, 2, 3, 4] = [3, 5, 7, 9] → [2.25, 5, 0, 9].
        #expect(Array(x[8..<12]) == [2.25, 5, 0, 9])
        // Row 3: delta edited, no g: [2, 3, 4, 9].
        #expect(Array(x[12..<16]) == [2, 3, 4, 9])
        // Row 4: Spherical with t = 1 onto μ = e_0, norm 5 kept.
        #expect(Array(x[16..<20]) == [5, 0, 0, 0])

        #expect(Array(trace[0..<4]) == [0, Float(54.0.squareRoot()), Float(54.0.squareRoot()), 0])
        #expect(Array(trace[16..<20]) == [1, 5, 5, 0])
    }

    @Test func headsEditRefusesARotation() {
        var x = [Float](repeating: 1, count: 4)
        let plan = Self.plan(rowSeq: [2], rowFlags: [VEER_ROW_STEER])
        #expect(throws: KernelError.self) { try Reference.headsEdit(HeadsEditOp(rows: 1, width: 4), x: &x, plan: plan) }
    }

    @Test func headsEditAddsAndScales() throws {
        var x: [Float] = [1, 1, 1, 1,  1, 1, 1, 1]
        let plan = Self.plan(rowSeq: [1, 1], rowFlags: [VEER_ROW_STEER, 0], sphere: false)
        try Reference.headsEdit(HeadsEditOp(rows: 2, width: 4), x: &x, plan: plan)
        #expect(x == [1.5, 3, 0, 5,  1, 1, 1, 1])
    }

    @Test func badTablesAreErrors() {
        var x = [Float](repeating: 1, count: 8)
        let shortPlan = Self.plan(rowSeq: [0], rowFlags: [0])
        #expect(throws: KernelError.self) {
            try Reference.residualSteer(ResidualSteerOp(rows: 2, width: 4), x: &x, delta: x, plan: shortPlan)
        }
        var bad = Self.plan(rowSeq: [1, 1], rowFlags: [2, 2])
        bad.seqParams[1].addVector = 7
        #expect(throws: KernelError.self) {
            try Reference.residualSteer(ResidualSteerOp(rows: 2, width: 4), x: &x, delta: x, plan: bad)
        }
    }
}
