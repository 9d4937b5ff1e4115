import KernelABI
import Kernels

/// Inputs of a steering case: the plan (tables) and the residual rows x and delta, all [rows, width] f32.
///
/// Spherical rows are built as x = g + a·‖g‖·μ (g random, a from a fixed spread) so their cosine to μ ranges over
/// about ±0.9: the gate gives t = 0 on some rows and t = α on others, while the angle stays far from the rotation's
/// guard thresholds (θ < 1e-4, π − θ < 1e-4), which have their own exact tests.
public struct SteerScenario: Sendable {
    public var plan: SteerPlan
    public var x: [Float]       // [rows, width] f32
    public var delta: [Float]   // [rows, width] f32

    public enum Variant: String, Sendable, CaseIterable {
        case add, units, spherical
        case deltaUnits = "delta_units"
        case mixed
    }

    /// One sequence of the given kind over all rows (`mixed`: four sequences, from unsteered to everything at once).
    public static func make(_ variant: Variant, width: Int, rows: Int, random: inout SplitMix64) -> SteerScenario {
        var builder = Builder(width: width, random: random)
        let params: [VeerSteerSeqParams]
        switch variant {
        case .add: params = [builder.add(alpha: 0.75)]
        case .units: params = [builder.units(alpha: 0.6)]
        case .deltaUnits: params = [builder.deltaUnits(alpha: 0.8)]
        case .spherical: params = [builder.spherical(alpha: 0.8, kappa: 20, beta: -0.3)]
        case .mixed:
            let both = [builder.add(alpha: 0.5), builder.units(alpha: -0.4)]
            let addThenRotate = [builder.add(alpha: -0.3), builder.spherical(alpha: 0.9, kappa: 20, beta: 0)]
            let everything = [builder.deltaUnits(alpha: 0.7), builder.add(alpha: 0.4), builder.units(alpha: 0.5),
                              builder.spherical(alpha: 0.6, kappa: 10, beta: -0.5)]
            params = [.none, Builder.combine(both), Builder.combine(addThenRotate), Builder.combine(everything)]
        }
        let rowSeq = (0..<rows).map { Int32($0 % params.count) }
        // Position policies arrive as row flags: vary them so every combination of f and g on/off appears.
        let rowFlags: [UInt32] = (0..<rows).map { r in
            switch r % 5 {
            case 0: return VEER_ROW_STEER | VEER_ROW_EDIT_DELTA
            case 1: return VEER_ROW_STEER
            case 2: return VEER_ROW_EDIT_DELTA
            case 3: return VEER_ROW_STEER | VEER_ROW_EDIT_DELTA
            default: return 0
            }
        }
        var x: [Float] = []
        for r in 0..<rows {
            let p = params[Int(rowSeq[r])]
            x += p.flags & VEER_STEER_SPHERICAL != 0
                ? builder.rowAtAngle(mu: Int(p.sphMu), spread: r) : builder.random.floats(width, -2, 2)
        }
        let delta = builder.random.floats(rows * width, -0.25, 0.25)
        random = builder.random
        let plan = SteerPlan(width: width, rowSeq: rowSeq, rowFlags: rowFlags, seqParams: params,
                             vectors: builder.vectors, unitIndex: builder.unitIndex, unitCoef: builder.unitCoef)
        return SteerScenario(plan: plan, x: x, delta: delta)
    }

    /// Accumulates the vectors and unit lists that sequences point into.
    struct Builder {
        let width: Int
        var random: SplitMix64
        var vectors: [Float] = []      // [nVectors, width] f32
        var unitIndex: [UInt32] = []   // [M]
        var unitCoef: [Float] = []     // [M]

        init(width: Int, random: SplitMix64) { self.width = width; self.random = random }

        private var nextVector: UInt32 { UInt32(vectors.count / width) }

        mutating func add(alpha: Float) -> VeerSteerSeqParams {
            var p = VeerSteerSeqParams.none
            p.flags = VEER_STEER_ADD; p.addAlpha = alpha; p.addVector = nextVector
            vectors += random.floats(width)
            return p
        }

        mutating func units(alpha: Float) -> VeerSteerSeqParams {
            var p = VeerSteerSeqParams.none
            (p.unitOffset, p.unitCount) = unitList()
            p.flags = VEER_STEER_UNITS; p.unitAlpha = alpha
            return p
        }

        mutating func deltaUnits(alpha: Float) -> VeerSteerSeqParams {
            var p = VeerSteerSeqParams.none
            (p.deltaUnitOffset, p.deltaUnitCount) = unitList()
            p.flags = VEER_STEER_DELTA_UNITS; p.deltaUnitAlpha = alpha
            return p
        }

        mutating func spherical(alpha: Float, kappa: Float, beta: Float) -> VeerSteerSeqParams {
            var p = VeerSteerSeqParams.none
            p.flags = VEER_STEER_SPHERICAL; p.sphAlpha = alpha; p.sphKappa = kappa; p.sphBeta = beta
            p.sphMu = nextVector
            vectors += random.unitVector(width)
            return p
        }

        /// Merges single-kind params (each sets only its own fields) into one sequence that does all of them.
        static func combine(_ kinds: [VeerSteerSeqParams]) -> VeerSteerSeqParams {
            kinds.dropFirst().reduce(kinds[0]) { merge($0, $1) }
        }

        private static func merge(_ a: VeerSteerSeqParams, _ b: VeerSteerSeqParams) -> VeerSteerSeqParams {
            var p = a
            p.flags |= b.flags
            if b.flags & VEER_STEER_ADD != 0 { p.addAlpha = b.addAlpha; p.addVector = b.addVector }
            if b.flags & VEER_STEER_UNITS != 0 { p.unitAlpha = b.unitAlpha; p.unitOffset = b.unitOffset; p.unitCount = b.unitCount }
            if b.flags & VEER_STEER_DELTA_UNITS != 0 {
                p.deltaUnitAlpha = b.deltaUnitAlpha; p.deltaUnitOffset = b.deltaUnitOffset; p.deltaUnitCount = b.deltaUnitCount
            }
            if b.flags & VEER_STEER_SPHERICAL != 0 {
                p.sphAlpha = b.sphAlpha; p.sphKappa = b.sphKappa; p.sphBeta = b.sphBeta; p.sphMu = b.sphMu
            }
            return p
        }

        /// A list of about width/8 distinct units with coefficients b in [-1, 1).
        private mutating func unitList() -> (offset: UInt32, count: UInt32) {
            let count = max(1, width / 8)
            let offset = UInt32(unitIndex.count)
            unitIndex += random.distinctIndices(count, below: width).map { UInt32($0) }
            unitCoef += random.floats(count)
            return (offset, UInt32(count))
        }

        /// g + a·‖g‖·μ with a cycling through a spread that gives cosines of about -0.9 ... 0.7.
        mutating func rowAtAngle(mu: Int, spread: Int) -> [Float] {
            let a: [Float] = [-2, -1, -0.4, 0, 0.3, 1]
            let g = random.floats(width, -2, 2)
            let gNorm = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            let scale = a[spread % a.count] * gNorm
            return (0..<width).map { g[$0] + scale * vectors[mu * width + $0] }
        }
    }
}
