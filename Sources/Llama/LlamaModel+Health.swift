import Kernels

extension LlamaModel {
    /// Issues the health check (`RowHealthOp`) of the first `rows` logits rows of the last pass, without waiting:
    /// issued beside argmax or topk, it rides in the same submission and costs a 12-byte read per row.
    public func issueLogitHealth(rows: Int) throws {
        try backend.rowHealth(RowHealthOp(rows: rows, width: config.vocab), x: state.logits, out: state.logitHealth)
    }

    /// The results of `issueLogitHealth` (waits for it).
    public func readLogitHealth(rows: Int) throws -> [RowHealth] {
        RowHealth.rows(try backend.read(state.logitHealth, count: rows * RowHealth.width))
    }

    /// Checks the logits of `batch`, the pass that just ran (issuing the check unless `issued`). When a row is
    /// degenerate, runs the same pass again with per-block checks and throws `DegenerateOutput` naming where it
    /// broke. Running it again rewrites the same cache entries with the same values, so nothing else changes.
    public func checkLogits(of batch: ForwardBatch, steering: ForwardSteering<B.Buffer>?, issued: Bool = false) throws {
        let rows = batch.logitRows.count
        guard rows > 0 else { return }
        if !issued { try issueLogitHealth(rows: rows) }
        guard let bad = try readLogitHealth(rows: rows).first(where: \.isDegenerate) else { return }
        let check = BlockHealthCheck()
        try forward(batch, steering: steering, observer: check)
        throw DegenerateOutput(logits: bad, firstBadSite: check.firstBad, steering: steering?.summary)
    }
}
