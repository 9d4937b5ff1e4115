import Kernels
import KernelABI

extension Reference {
    /// The fused residual update (KernelABI `VeerResidualSteerPush`, steering-methods.md §0, §2, §4):
    ///   every row:                x += f(delta), f(delta)[i] = delta[i]·(1 + deltaUnitAlpha·b) on the sequence's
    ///                             delta units when the row has VEER_ROW_EDIT_DELTA (identity otherwise);
    ///   rows with VEER_ROW_STEER: x = g(x), g = add (x += addAlpha·v), then unit scaling (x[i] *= 1 + unitAlpha·b),
    ///                             then the Spherical rotation, each only if the sequence's flags ask for it.
    /// x, delta: [rows, width]. Returns the trace [rows, 4]: [t, normBefore, normAfter, cosine] (see `spherical`;
    /// rows with no rotation step: [0, ‖x‖, ‖x‖, 0] with x after f, add and units).
    @discardableResult
    public static func residualSteer(_ op: ResidualSteerOp, x: inout [Float], delta: [Float], plan: SteerPlan)
        throws -> [Float]
    {
        try op.validate(x: byteSize(x), delta: byteSize(delta), trace: 4 * op.rows * Int(VEER_TRACE_WIDTH))
        try plan.validate(op: "residual_steer")
        try checkPlanShape(plan, rows: op.rows, width: op.width, op: "residual_steer")
        return steer(rows: op.rows, width: op.width, x: &x, delta: delta, plan: plan)
    }

    /// heads_edit: x[rows, width] = g(x) on rows with VEER_ROW_STEER, g limited to add and unit scaling (no delta,
    /// no rotation: the plan must not ask for one).
    public static func headsEdit(_ op: HeadsEditOp, x: inout [Float], plan: SteerPlan) throws {
        try op.validate(x: byteSize(x))
        try plan.validate(op: "heads_edit", allowSpherical: false)
        try checkPlanShape(plan, rows: op.rows, width: op.width, op: "heads_edit")
        steer(rows: op.rows, width: op.width, x: &x, delta: nil, plan: plan)
    }

    static func checkPlanShape(_ plan: SteerPlan, rows: Int, width: Int, op: String) throws {
        guard plan.rows == rows, plan.width == width else {
            throw KernelError.invalidTable(op: op, detail: "plan describes \(plan.rows) rows of width \(plan.width), the op has \(rows) of \(width)")
        }
    }

    /// The shared body of residual_steer (delta given) and heads_edit (delta nil) on a validated plan.
    /// Returns the trace [rows, 4].
    @discardableResult
    static func steer(rows: Int, width: Int, x: inout [Float], delta: [Float]?, plan: SteerPlan) -> [Float] {
        var trace = [Float]()   // [rows, 4]
        trace.reserveCapacity(4 * rows)
        for r in 0..<rows {
            let params = plan.seqParams[Int(plan.rowSeq[r])]
            let flags = plan.rowFlags[r]
            let span = r * width ..< (r + 1) * width
            var row = Array(x[span])

            if let delta {
                var d = Array(delta[span]).map(Double.init)
                if flags & VEER_ROW_EDIT_DELTA != 0, params.flags & VEER_STEER_DELTA_UNITS != 0 {
                    for (i, b) in units(plan, offset: params.deltaUnitOffset, count: params.deltaUnitCount) {
                        d[i] *= 1 + Double(params.deltaUnitAlpha) * b
                    }
                }
                for i in 0..<width { row[i] = Float(Double(row[i]) + d[i]) }
            }

            var outcome: SphericalOutcome?
            if flags & VEER_ROW_STEER != 0 {
                if params.flags & VEER_STEER_ADD != 0 {
                    let v = vector(plan, Int(params.addVector))
                    for i in 0..<width { row[i] = Float(Double(row[i]) + Double(params.addAlpha) * Double(v[i])) }
                }
                if params.flags & VEER_STEER_UNITS != 0 {
                    for (i, b) in units(plan, offset: params.unitOffset, count: params.unitCount) {
                        row[i] = Float(Double(row[i]) * (1 + Double(params.unitAlpha) * b))
                    }
                }
                // heads_edit (no delta) never rotates, whatever the tables say.
                if delta != nil, params.flags & VEER_STEER_SPHERICAL != 0 {
                    outcome = spherical(row, mu: vector(plan, Int(params.sphMu)), alpha: params.sphAlpha,
                                        kappa: params.sphKappa, beta: params.sphBeta)
                    row = outcome!.x
                }
            }

            if let outcome {
                trace += [outcome.t, outcome.normBefore, outcome.normAfter, outcome.cosine].map { Float($0) }
            } else {
                let n = Float(norm(row[...]))
                trace += [0, n, n, 0]
            }
            x.replaceSubrange(span, with: row)
        }
        return trace
    }

    /// Row `index` of the plan's vector table [nVectors, width].
    static func vector(_ plan: SteerPlan, _ index: Int) -> [Float] {
        Array(plan.vectors[index * plan.width ..< (index + 1) * plan.width])
    }

    /// The (unit index, coefficient b) pairs of one list in the plan's unit tables.
    static func units(_ plan: SteerPlan, offset: UInt32, count: UInt32) -> [(Int, Double)] {
        (Int(offset) ..< Int(offset) + Int(count)).map { (Int(plan.unitIndex[$0]), Double(plan.unitCoef[$0])) }
    }
}
