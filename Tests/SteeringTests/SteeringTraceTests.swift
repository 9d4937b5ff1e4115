import Foundation
import KernelABI
import KernelsCPU
import Llama
@testable import Steering
import Testing

/// Which kernel trace rows become trace rows, and how they are written (no model: a synthetic pass).
@Suite("Steering trace rows")
struct SteeringTraceTests {
    /// Two sequences in one pass (slot 0: positions 0...3, slot 1: positions 0...1). Sequence 0 is steered from
    /// position 2 on at blocks 3 (additive) and 5 (rotation); sequence 1 is steered at every position, at block 5
    /// only. Block 3's tables give sequence 1 nothing to do, so it has no rows there.
    @Test func oneRowPerSteeredRowAndBlockItsSequenceEdits() throws {
        let batch = ForwardBatch(tokens: [1, 2, 3, 4, 5, 6], slots: [0, 0, 0, 0, 1, 1], positions: [0, 1, 2, 3, 0, 1],
                                 logitRows: [3, 5])
        let edit = SiteEdit(add: [1, 0])
        let sequences: [SequenceSteering?] = [
            SequenceSteering(edits: [SiteKey(block: 3, site: .residPost): edit, SiteKey(block: 5, site: .residPost): edit],
                             positions: .from(2), span: SequenceSpan(promptLength: 4)),
            SequenceSteering(edits: [SiteKey(block: 5, site: .residPost): edit], span: SequenceSpan(promptLength: 2)),
        ]
        let kinds: [Int: [UInt32]] = [3: [VEER_STEER_ADD, 0], 5: [VEER_STEER_ADD | VEER_STEER_SPHERICAL, VEER_STEER_SPHERICAL]]
        // Row r of block b holds [t, normBefore, normAfter, cos] = [r / 10 (0 on even rows), 10b + r, 10b + r + 0.5, -r / 8].
        func trace(_ b: Int) -> [Float] {
            var values: [Float] = []
            for r in 0..<6 {
                let t: Float = r % 2 == 0 ? 0 : Float(r) / 10
                let norm = Float(10 * b + r)
                values += [t, norm, norm + 0.5, -Float(r) / 8]
            }
            return values
        }
        let rows = BatchSteering<CPUBackend>.traceRows(batch, sequences: sequences, kinds: kinds,
                                                         values: [3: trace(3), 5: trace(5)])
        let expected = [
            SteeringTraceRow(sequence: 0, position: 2, block: 3, t: 0, rotated: false, cos: nil, normBefore: 32, normAfter: 32.5),
            SteeringTraceRow(sequence: 0, position: 2, block: 5, t: 0, rotated: false, cos: -0.25, normBefore: 52, normAfter: 52.5),
            SteeringTraceRow(sequence: 0, position: 3, block: 3, t: 0.3, rotated: true, cos: nil, normBefore: 33, normAfter: 33.5),
            SteeringTraceRow(sequence: 0, position: 3, block: 5, t: 0.3, rotated: true, cos: -0.375, normBefore: 53, normAfter: 53.5),
            SteeringTraceRow(sequence: 1, position: 0, block: 5, t: 0, rotated: false, cos: -0.5, normBefore: 54, normAfter: 54.5),
            SteeringTraceRow(sequence: 1, position: 1, block: 5, t: 0.5, rotated: true, cos: -0.625, normBefore: 55, normAfter: 55.5),
        ]
        #expect(rows == expected)
    }

    /// Policy `last` steers only the newest row of a sequence in a pass that returns its logits.
    @Test func lastPolicyTracesTheNewestRowOnly() throws {
        let sequences: [SequenceSteering?] = [
            SequenceSteering(edits: [SiteKey(block: 0, site: .mlpOut): SiteEdit(add: [1])], positions: .last,
                             span: SequenceSpan(promptLength: 3)),
        ]
        let values: [Int: [Float]] = [0: (0..<3).flatMap { [0, Float($0), Float($0), 0] }]
        let prefill = ForwardBatch.prefill([7, 8, 9])
        let rows = BatchSteering<CPUBackend>.traceRows(prefill, sequences: sequences, kinds: [0: [VEER_STEER_ADD]], values: values)
        #expect(rows.map(\.position) == [2])
        var intermediate = prefill
        intermediate.logitRows = []
        #expect(BatchSteering<CPUBackend>.traceRows(intermediate, sequences: sequences, kinds: [0: [VEER_STEER_ADD]],
                                                    values: values).isEmpty)
    }

    /// One JSON object per line with exactly the eight keys; cos is null where the block does not rotate.
    @Test func jsonLinesHaveEveryKeyOnEveryLine() throws {
        let trace = SteeringTrace()
        trace.append([
            SteeringTraceRow(sequence: 0, position: 4, block: 15, t: 0.25, rotated: true, cos: -0.5, normBefore: 3, normAfter: 3),
            SteeringTraceRow(sequence: 1, position: 0, block: 2, t: 0, rotated: false, cos: nil, normBefore: 1.5, normAfter: 1.5),
        ])
        let text = String(decoding: try trace.jsonLines(), as: UTF8.self)
        #expect(text == """
            {"block":15,"cos":-0.5,"norm_after":3,"norm_before":3,"position":4,"rotated":true,"sequence":0,"t":0.25}
            {"block":2,"cos":null,"norm_after":1.5,"norm_before":1.5,"position":0,"rotated":false,"sequence":1,"t":0}

            """)
        trace.removeAll()
        #expect(try trace.jsonLines().isEmpty)
        // A broken pass's values, which JSON has no numbers for.
        trace.append([SteeringTraceRow(sequence: 0, position: 1, block: 3, t: 0, rotated: false, cos: .nan,
                                       normBefore: .infinity, normAfter: -.infinity)])
        #expect(String(decoding: try trace.jsonLines(), as: UTF8.self) == """
            {"block":3,"cos":"nan","norm_after":"-inf","norm_before":"inf","position":1,"rotated":false,"sequence":0,"t":0}

            """)
    }
}
