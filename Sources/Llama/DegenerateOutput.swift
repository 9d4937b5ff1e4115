import Kernels

/// A forward pass that broke down: its logits hold NaN or ±inf, or are all equal (every token equally likely, which
/// is what an overflowing residual gives after RMSNorm). Such logits are never an answer. `Generator` throws it (or,
/// with `DegeneratePolicy.stop`, records it and stops) after re-running the pass with per-block checks to find
/// where it broke; callers that push steering into collapse on purpose (a strength sweep) catch it and mark the row.
public struct DegenerateOutput: Error, CustomStringConvertible, Sendable {
    /// The logits row that failed the check; nil when the pass computed no logits and the bad values showed in
    /// captured activations instead.
    public var logits: RowHealth?
    /// The first activation that went bad in the re-run, nil when every block's output was sound (then the output
    /// norm or the output projection produced the bad logits).
    public var firstBadSite: BadActivation?
    /// What steered the pass (`ForwardSteering.summary`), nil when unsteered.
    public var steering: String?
    /// The tokens generated before the breakdown (the generator fills it in).
    public var tokensBefore: [Int32] = []

    public init(logits: RowHealth?, firstBadSite: BadActivation?, steering: String?) {
        self.logits = logits; self.firstBadSite = firstBadSite; self.steering = steering
    }

    /// The block the breakdown starts in, nil when it starts after the last block.
    public var block: Int? { firstBadSite.flatMap { $0.layer >= 0 ? $0.layer : nil } }

    public var description: String {
        var place = "after the last block (in output_norm.weight or the output projection)"
        if let bad = firstBadSite {
            let at = bad.layer >= 0 ? "at block \(bad.layer)" : "at the final norm"
            place = "\(at): its \(bad.site.rawValue) \(bad.problem) (computed by \(bad.tensors))"
        }
        let logitsText = logits.map { "the logits are degenerate (\($0))" }
            ?? "the captured activations hold NaN or infinite values"
        if let steering {
            return "steering \(steering) broke the forward pass \(place), and \(logitsText). Lower the strength."
        }
        return "the forward pass broke down \(place), and \(logitsText). The model file's weights may be damaged."
    }
}

/// What to do when the logits of a pass are degenerate.
public enum DegeneratePolicy: Sendable {
    /// Throw `DegenerateOutput` (the default: such logits are never an answer).
    case fail
    /// End the generation with stop reason "degenerate" and the error in `GenerationResult.degenerate`: for sweeps
    /// that go into collapse on purpose and mark such rows.
    case stop
}
