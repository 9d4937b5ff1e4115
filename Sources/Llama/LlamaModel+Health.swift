import Kernels

extension LlamaModel {
    /// The health (`RowHealthOp`) of the first `rows` logits rows of the last pass, which `encode` checks in every
    /// pass that computes logits (waits for it; a 12-byte read per row).
    public func readLogitHealth(rows: Int) throws -> [RowHealth] {
        RowHealth.rows(try backend.read(state.logitHealth, count: rows * RowHealth.width))
    }

    /// Checks the `rows` logits rows of the pass that just ran, `batch`. When a row is degenerate, throws
    /// `diagnose(batch)`; `batch` is only built then.
    public func checkLogits(rows: Int, of batch: @autoclosure () -> ForwardBatch, steering: ForwardSteering<B.Buffer>?)
        throws
    {
        guard rows > 0, let bad = try readLogitHealth(rows: rows).first(where: \.isDegenerate) else { return }
        throw try diagnose(batch(), steering: steering, logits: bad)
    }

    /// Runs `batch` again with per-block checks (`BlockHealthCheck`) and returns the error naming where it broke.
    /// The re-run writes the pass's cache entries again, steered as the pass was (with `rewritesNewestUnsteered`,
    /// the newest entries end steered): the cache is not for further use after a degenerate pass.
    public func diagnose(_ batch: ForwardBatch, steering: ForwardSteering<B.Buffer>?, logits: RowHealth?) throws
        -> DegenerateOutput
    {
        let check = BlockHealthCheck()
        // The re-run repeats a pass that already ran: whatever reads each pass's results (a trace) has them.
        var again = steering
        again?.afterPass = nil
        try forward(batch, steering: again, observer: check)
        return DegenerateOutput(logits: logits, firstBadSite: check.firstBad, steering: steering?.summary)
    }
}
