import KernelABI
import Kernels
import Llama

extension BatchSteering {
    /// Gives every block with FFN residual tables a trace buffer and reads them after each pass into `trace`: one
    /// row per steered row of the pass and block its sequence edits there. Reading waits for the pass (on Vulkan a
    /// submission per pass), which is why only tracing installs it.
    static func installTrace(_ trace: SteeringTrace, on steering: inout ForwardSteering<B.Buffer>, model: LlamaModel<B>,
                             sequences: [SequenceSteering?]) throws {
        let rows = model.maxRows, width = Int(VEER_TRACE_WIDTH)
        var kinds: [Int: [UInt32]] = [:]
        for block in steering.ffnResidual.keys.sorted() {
            // The same plan the tables were built from: its flags say what the kernel does per sequence.
            guard let plan = plan(block: block, sites: [.mlpOut, .residPost], width: model.config.width, rows: rows,
                                  sequences: sequences) else { continue }
            kinds[block] = plan.seqParams.map(\.flags)
            steering.ffnTrace[block] = try model.backend.makeBuffer(byteCount: 4 * rows * width, label: "steer.trace.\(block)")
        }
        let buffers = steering.ffnTrace, backend = model.backend
        steering.afterPass = { batch in
            var values: [Int: [Float]] = [:]
            for (block, buffer) in buffers {
                values[block] = try backend.read(buffer, count: batch.rows * width)
            }
            trace.append(traceRows(batch, sequences: sequences, kinds: kinds, values: values))
        }
    }

    /// The trace rows of one pass: for each row the position policy steered (in row order), one per block whose
    /// tables give that row's sequence something to do (`kinds`: block -> each sequence's VEER_STEER_* flags), in
    /// block order. `values`: block -> the pass's trace [rows, 4]. `cos` only where the block rotates.
    static func traceRows(_ batch: ForwardBatch, sequences: [SequenceSteering?], kinds: [Int: [UInt32]],
                          values: [Int: [Float]]) -> [SteeringTraceRow] {
        let (rowSeq, rowFlags) = rowMapping(batch, sequences: sequences)
        let blocks = kinds.keys.sorted()
        var rows: [SteeringTraceRow] = []
        for r in 0..<batch.rows where rowFlags[r] & VEER_ROW_STEER != 0 {
            let sequence = Int(rowSeq[r])
            for block in blocks {
                guard let flags = kinds[block]?[sequence], flags != 0, let trace = values[block] else { continue }
                let row = trace[4 * r ..< 4 * r + 4].map { $0 }
                rows.append(SteeringTraceRow(sequence: sequence, position: Int(batch.positions[r]), block: block,
                                             t: row[0], rotated: row[0] > 0,
                                             cos: flags & VEER_STEER_SPHERICAL != 0 ? row[3] : nil,
                                             normBefore: row[1], normAfter: row[2]))
            }
        }
        return rows
    }
}
