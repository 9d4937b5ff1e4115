import KernelABI
import Kernels
import Llama

/// The device side of steering for a set of sequences, sequence i living in KV-cache slot i: per block, the tables
/// the fused residual update (and the heads edit) read, and the per-pass row mapping its position policies decide.
///
/// All tables share one row mapping (which sequence each row belongs to, and whether it is steered in this pass),
/// rewritten before every pass by `forward.prepare`, so a recorded decode step stays valid: only two small buffers
/// change between tokens. A sequence without edits at a block gets parameters with no flags there, which the kernel
/// treats as a plain residual add, bit for bit.
public final class BatchSteering<B: ComputeBackend> {
    /// [slots] what each sequence is steered with (nil: not steered).
    public let sequences: [SequenceSteering?]
    /// Whether the KV cache keeps steered or unsteered keys and values.
    public let cacheMode: CacheMode
    /// What the model's forward pass, the decode step and the generator take.
    public let forward: ForwardSteering<B.Buffer>

    /// Builds the tables of `sequences` on `model`'s backend; throws `SteeringError` when an edit does not fit the model.
    /// With `trace`, every pass run with `forward` appends its trace rows there (`SteeringTrace`); without, the
    /// kernels write no trace and nothing waits for a pass.
    public init(model: LlamaModel<B>, sequences: [SequenceSteering?], cacheMode: CacheMode = .steeredPersist,
                trace: SteeringTrace? = nil) throws {
        let c = model.config
        for (slot, sequence) in sequences.enumerated() {
            for key in sequence?.edits.keys.sorted() ?? [] {
                guard key.block < c.layers else {
                    throw SteeringError.mismatch("sequence \(slot): block \(key.block) does not exist; the model has blocks 0...\(c.layers - 1)")
                }
                let width = key.site == .headsConcat ? c.qWidth : c.width
                let edit = sequence!.edits[key]!
                if let add = edit.add, add.count != width {
                    throw SteeringError.mismatch("sequence \(slot): the \(key.site.rawValue) vector of block \(key.block) has width \(add.count), the model \(width)")
                }
                if let bad = edit.units.first(where: { Int($0.index) >= width }) {
                    throw SteeringError.mismatch("sequence \(slot): unit \(bad.index) of \(key.site.rawValue) at block \(key.block) is outside 0..<\(width)")
                }
                if let rotation = edit.rotation {
                    guard key.site == .residPost else {
                        throw SteeringError.mismatch("sequence \(slot): a Spherical rotation applies at resid_post, not \(key.site.rawValue) (block \(key.block))")
                    }
                    guard rotation.mu.count == width else {
                        throw SteeringError.mismatch("sequence \(slot): the Spherical prototype of block \(key.block) has width \(rotation.mu.count), the model \(width)")
                    }
                }
            }
        }
        self.sequences = sequences
        self.cacheMode = cacheMode

        var steering = ForwardSteering<B.Buffer>()
        let rows = model.maxRows
        var shared: SteerTables<B.Buffer>?
        // Only the residual update after the FFN rotates (resid_post); the heads edit has no rotation.
        func tables(block: Int, sites: [EditSite], width: Int) throws -> SteerTables<B.Buffer>? {
            let plan = Self.plan(block: block, sites: sites, width: width, rows: rows, sequences: sequences)
            guard let plan else { return nil }
            let made = try model.backend.makeSteerTables(plan, allowSpherical: sites.contains(.residPost), sharingRowsWith: shared)
            if shared == nil { shared = made }
            return made
        }
        for block in 0..<c.layers {
            steering.ffnResidual[block] = try tables(block: block, sites: [.mlpOut, .residPost], width: c.width)
            steering.heads[block] = try tables(block: block, sites: [.headsConcat], width: c.qWidth)
        }
        if let shared {
            let backend = model.backend
            steering.prepare = { batch in
                let (rowSeq, rowFlags) = Self.rowMapping(batch, sequences: sequences)
                try backend.writeSteerRows(shared, rowSeq: rowSeq, rowFlags: rowFlags)
            }
        }
        if let trace { try Self.installTrace(trace, on: &steering, model: model, sequences: sequences) }
        steering.rewritesNewestUnsteered = cacheMode == .referenceRecompute
            && sequences.contains { $0.map { !$0.isEmpty && $0.positions.dependsOnStep } ?? false }
        forward = steering
    }

    /// The tables of one block for the given sites (mlp_out and resid_post share the residual update after the
    /// FFN), or nil when no sequence edits them. One parameter entry per sequence; vectors (adds and Spherical
    /// prototypes) and unit lists packed.
    static func plan(block: Int, sites: [EditSite], width: Int, rows: Int, sequences: [SequenceSteering?]) -> SteerPlan? {
        var params: [VeerSteerSeqParams] = []
        var vectors: [Float] = []
        var unitIndex: [UInt32] = [], unitCoef: [Float] = []
        var any = false
        for sequence in sequences {
            var p = VeerSteerSeqParams()
            for site in sites {
                guard let edit = sequence?.edits[SiteKey(block: block, site: site)] else { continue }
                any = true
                if let add = edit.add {
                    // mlp_out and resid_post adds of one sequence at one block sum into one vector.
                    if p.flags & VEER_STEER_ADD != 0 {
                        let base = Int(p.addVector) * width
                        for i in 0..<width { vectors[base + i] += add[i] }
                    } else {
                        p.flags |= VEER_STEER_ADD
                        p.addAlpha = 1
                        p.addVector = UInt32(vectors.count / width)
                        vectors += add
                    }
                }
                if let rotation = edit.rotation {
                    p.flags |= VEER_STEER_SPHERICAL
                    p.sphMu = UInt32(vectors.count / width)
                    p.sphAlpha = rotation.alpha; p.sphKappa = rotation.kappa; p.sphBeta = rotation.beta
                    vectors += rotation.mu
                }
                if !edit.units.isEmpty {
                    let offset = UInt32(unitIndex.count)
                    unitIndex += edit.units.map(\.index)
                    unitCoef += edit.units.map(\.coefficient)
                    if site == .mlpOut {
                        p.flags |= VEER_STEER_DELTA_UNITS
                        p.deltaUnitAlpha = edit.unitAlpha; p.deltaUnitOffset = offset; p.deltaUnitCount = UInt32(edit.units.count)
                    } else {
                        p.flags |= VEER_STEER_UNITS
                        p.unitAlpha = edit.unitAlpha; p.unitOffset = offset; p.unitCount = UInt32(edit.units.count)
                    }
                }
            }
            params.append(p)
        }
        guard any else { return nil }
        return SteerPlan(width: width, rowSeq: [Int32](repeating: 0, count: rows),
                         rowFlags: [UInt32](repeating: 0, count: rows), seqParams: params,
                         vectors: vectors, unitIndex: unitIndex, unitCoef: unitCoef)
    }

    /// Row r of a pass belongs to the sequence in its slot; it is steered when that sequence's policy includes its
    /// position. A row whose slot has no steering maps to sequence 0 with no flags (a plain add). A sequence's
    /// newest row is its last row in a pass that returns logits for it (an intermediate prefill block has none).
    static func rowMapping(_ batch: ForwardBatch, sequences: [SequenceSteering?]) -> ([Int32], [UInt32]) {
        var lastRowOfSlot: [Int32: Int] = [:]
        for r in 0..<batch.rows { lastRowOfSlot[batch.slots[r]] = r }
        let slotsWithLogits = Set(batch.logitRows.map { batch.slots[$0] })
        let newest = Set(slotsWithLogits.compactMap { lastRowOfSlot[$0] })
        var rowSeq = [Int32](repeating: 0, count: batch.rows)
        var rowFlags = [UInt32](repeating: 0, count: batch.rows)
        for r in 0..<batch.rows {
            let slot = Int(batch.slots[r])
            guard slot < sequences.count, let sequence = sequences[slot], !sequence.isEmpty else { continue }
            rowSeq[r] = Int32(slot)
            if sequence.positions.includes(Int(batch.positions[r]), in: sequence.span, isNewest: newest.contains(r)) {
                rowFlags[r] = VEER_ROW_EDIT_DELTA | VEER_ROW_STEER
            }
        }
        return (rowSeq, rowFlags)
    }
}
