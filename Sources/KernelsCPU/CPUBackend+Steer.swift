import Foundation
import Kernels
import KernelABI

/// The steering tables as raw pointers (validated by `makeSteerTables`, so every index they hold is in range).
struct SteerTablePointers: @unchecked Sendable {
    let rowSeq: UnsafePointer<Int32>
    let rowFlags: UnsafePointer<UInt32>
    let seqParams: UnsafePointer<VeerSteerSeqParams>
    let vectors: UnsafePointer<Float>
    let unitIndex: UnsafePointer<UInt32>
    let unitCoef: UnsafePointer<Float>

    init(_ tables: SteerTables<CPUBuffer>) {
        rowSeq = UnsafePointer(tables.rowSeq.int32s())
        rowFlags = UnsafePointer(tables.rowFlags.base.assumingMemoryBound(to: UInt32.self))
        seqParams = UnsafePointer(tables.seqParams.base.assumingMemoryBound(to: VeerSteerSeqParams.self))
        vectors = UnsafePointer(tables.vectors.floats())
        unitIndex = UnsafePointer(tables.unitIndex.base.assumingMemoryBound(to: UInt32.self))
        unitCoef = UnsafePointer(tables.unitCoef.floats())
    }
}

extension CPUBackend {
    /// x += f(delta) on every row, then g on rows flagged VEER_ROW_STEER (add, unit scaling, Spherical), one pass per
    /// row; optional trace [rows, 4] = [t, normBefore, normAfter, cosine]. See `Reference.residualSteer`.
    public func residualSteer(_ op: ResidualSteerOp, x: CPUBuffer, delta: CPUBuffer, tables: SteerTables<CPUBuffer>,
                              trace: CPUBuffer?) throws {
        try serialized("residual_steer") {
            try op.validate(x: x.byteCount, delta: delta.byteCount, trace: trace?.byteCount)
            try tables.check(rows: op.rows, width: op.width, op: "residual_steer")
            runSteer(rows: op.rows, width: op.width, x: x.floats(), delta: UnsafePointer(delta.floats()),
                     tables: SteerTablePointers(tables), trace: trace?.floats())
        }
    }

    /// g limited to add and unit scaling on flagged rows; no delta, no rotation (the tables were validated
    /// without Spherical for heads_edit; a Spherical flag here is ignored rather than trusted).
    public func headsEdit(_ op: HeadsEditOp, x: CPUBuffer, tables: SteerTables<CPUBuffer>) throws {
        try serialized("heads_edit") {
            try op.validate(x: x.byteCount)
            try tables.check(rows: op.rows, width: op.width, op: "heads_edit")
            runSteer(rows: op.rows, width: op.width, x: x.floats(), delta: nil, tables: SteerTablePointers(tables),
                     trace: nil)
        }
    }

    private func runSteer(rows: Int, width: Int, x: UnsafeMutablePointer<Float>, delta: UnsafePointer<Float>?,
                          tables: SteerTablePointers, trace: UnsafeMutablePointer<Float>?) {
        let allowRotation = delta != nil
        pool.forEachRange(count: rows, itemsPerChunk: rowsPerChunk(width: width),
                          minimumItems: 2 * rowsPerChunk(width: width)) { range, _ in
            for r in range {
                let row = x + r * width
                let params = tables.seqParams[Int(tables.rowSeq[r])]
                let flags = tables.rowFlags[r]
                let kinds = params.flags

                if let delta {
                    let d = delta + r * width
                    VectorMath.add(d, to: row, count: width)
                    if flags & VEER_ROW_EDIT_DELTA != 0, kinds & VEER_STEER_DELTA_UNITS != 0 {
                        // x + δ(1 + αb) = (x + δ) + δ·αb on the listed units.
                        for j in Int(params.deltaUnitOffset) ..< Int(params.deltaUnitOffset + params.deltaUnitCount) {
                            let i = Int(tables.unitIndex[j])
                            row[i].madd(d[i], params.deltaUnitAlpha * tables.unitCoef[j])
                        }
                    }
                }

                var rowTrace: SIMD4<Float>?
                if flags & VEER_ROW_STEER != 0 {
                    if kinds & VEER_STEER_ADD != 0 {
                        VectorMath.addScaled(params.addAlpha, tables.vectors + Int(params.addVector) * width,
                                             to: row, count: width)
                    }
                    if kinds & VEER_STEER_UNITS != 0 {
                        for j in Int(params.unitOffset) ..< Int(params.unitOffset + params.unitCount) {
                            row[Int(tables.unitIndex[j])] *= 1 + params.unitAlpha * tables.unitCoef[j]
                        }
                    }
                    if allowRotation, kinds & VEER_STEER_SPHERICAL != 0 {
                        rowTrace = SphericalKernel.rotate(row, mu: tables.vectors + Int(params.sphMu) * width,
                                                          width: width, alpha: params.sphAlpha,
                                                          kappa: params.sphKappa, beta: params.sphBeta)
                    }
                }

                if let trace {
                    let values = rowTrace ?? {
                        let n = VectorMath.sumOfSquares(row, count: width).squareRoot()
                        return SIMD4<Float>(0, n, n, 0)
                    }()
                    UnsafeMutableRawPointer(trace + 4 * r).storeBytes(of: values, as: SIMD4<Float>.self)
                }
            }
        }
    }
}
