import KernelABI
import Kernels

extension SteerScenario {
    public enum HeadsVariant: String, Sendable, CaseIterable {
        case add, units, mixed
    }

    /// heads_edit inputs: x is [rows, nHeads·headDim]; additive vectors are non-zero only on a few heads' slices (ITI
    /// adds α·σ·θ to the heads it selected); `mixed` has an unedited, an additive and an add-and-scale sequence.
    /// `delta` is unused (heads_edit has none) and left empty.
    public static func heads(_ variant: HeadsVariant, nHeads: Int, headDim: Int, rows: Int,
                             random: inout SplitMix64) -> SteerScenario {
        let width = nHeads * headDim
        var builder = Builder(width: width, random: random)
        let selectedHeads = Set(builder.random.distinctIndices(min(2, nHeads), below: nHeads))
        let params: [VeerSteerSeqParams]
        switch variant {
        case .add: params = [builder.headsAdd(alpha: 1.5, heads: selectedHeads, headDim: headDim)]
        case .units: params = [builder.units(alpha: 0.7)]
        case .mixed:
            params = [.none, builder.headsAdd(alpha: -1, heads: selectedHeads, headDim: headDim),
                      Builder.combine([builder.headsAdd(alpha: 0.5, heads: selectedHeads, headDim: headDim),
                                       builder.units(alpha: -0.5)])]
        }
        let rowSeq = (0..<rows).map { Int32($0 % params.count) }
        let rowFlags = (0..<rows).map { $0 % 4 == 3 ? 0 : VEER_ROW_STEER }   // one row in four outside the policy
        let x = builder.random.floats(rows * width, -2, 2)
        random = builder.random
        let plan = SteerPlan(width: width, rowSeq: rowSeq, rowFlags: rowFlags, seqParams: params,
                             vectors: builder.vectors, unitIndex: builder.unitIndex, unitCoef: builder.unitCoef)
        return SteerScenario(plan: plan, x: x, delta: [])
    }
}

extension SteerScenario.Builder {
    /// An additive vector that is zero outside the given heads' slices.
    mutating func headsAdd(alpha: Float, heads: Set<Int>, headDim: Int) -> VeerSteerSeqParams {
        let p = add(alpha: alpha)
        let base = Int(p.addVector) * width
        for i in 0..<width where !heads.contains(i / headDim) { vectors[base + i] = 0 }
        return p
    }
}
