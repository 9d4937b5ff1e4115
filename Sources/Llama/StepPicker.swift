import Kernels

/// What one row of a decode step gave: a token, or degenerate logits (diagnosed).
public enum RowPick: Sendable {
    case token(Int32)
    case degenerate(DegenerateOutput)
}

/// The candidates a step's selection returned: per row, ids and their raw logits sorted descending (ties to the lower
/// id); one per row for an argmax selection.
public struct StepCandidates: Sendable {
    /// int32 [rows, stride]
    public var ids: [Int32]
    /// f32 [rows, stride] (empty for argmax)
    public var values: [Float]
    /// Candidates per row.
    public var stride: Int

    /// The first `count` candidates of `row` (count ≤ stride; needs a topk selection).
    public func row(_ row: Int, count: Int) -> [(id: Int32, logit: Float)] {
        (0..<count).map { (id: ids[row * stride + $0], logit: values[row * stride + $0]) }
    }
}

extension LlamaModel {
    /// Reads a decode step's selection and its logits' health, and picks each sound row's token with that row's
    /// sampler over the device's candidates (its first `candidateCount` of them), as `Generator` does for one
    /// sequence. A degenerate row's sampler draws nothing; the row is diagnosed alone (`diagnose` re-runs just that
    /// row with per-block checks, rewriting only that finished sequence's cache entry).
    ///
    /// - Parameters:
    ///   - samplers: [rows] each row's sampler (advanced by the draw).
    ///   - histories: [rows] each row's tokens so far (prompt and generated), for the penalties.
    ///   - pass: the step's batch (for diagnosis).
    public func pickTokens(selection: DecodeSelection<B.Buffer>, samplers: inout [Sampler], histories: [[Int32]],
                           pass: ForwardBatch, steering: ForwardSteering<B.Buffer>?) throws -> (picks: [RowPick], candidates: StepCandidates) {
        let rows = samplers.count
        var candidates: StepCandidates
        switch selection {
        case let .argmax(ids):
            candidates = StepCandidates(ids: try backend.read(ids, count: rows), values: [], stride: 1)
        case let .topk(ids, values, k):
            candidates = StepCandidates(ids: try backend.read(ids, count: rows * k),
                                        values: try backend.read(values, count: rows * k), stride: k)
        }
        let health = try readLogitHealth(rows: rows)
        var picks: [RowPick] = []
        for row in 0..<rows {
            if health[row].isDegenerate {
                let alone = ForwardBatch(tokens: [pass.tokens[row]], slots: [pass.slots[row]],
                                         positions: [pass.positions[row]], logitRows: [0])
                picks.append(.degenerate(try diagnose(alone, steering: steering, logits: health[row])))
                continue
            }
            guard case .topk = selection else { picks.append(.token(candidates.ids[row])); continue }
            let settings = samplers[row].settings
            let recent = histories[row].suffix(settings.penaltyWindow)
            let wanted = settings.candidateCount(penalized: Set(recent).count, vocab: config.vocab)
            picks.append(.token(samplers[row].sample(candidates: candidates.row(row, count: wanted), recent: recent[...])))
        }
        return (picks, candidates)
    }
}
