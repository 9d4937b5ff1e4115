import Foundation

/// What the fused residual update after the FFN did at one steered position of one block for one sequence: the
/// kernel's trace row [t, normBefore, normAfter, cosine] (KernelABI `VEER_TRACE_WIDTH`) with where it was written.
///
/// The kernels (CPU `SphericalKernel`, Shaders/residual_steer.comp, `Reference.spherical`) write t only when they
/// rotated the row: t > 0 means the gate was open (δ > β and α(δ − β)/(1 − β) > 0), ‖h‖ > 0 and the angle to μ was
/// at least 1e-4 rad. A row left alone reports t = 0 and equal norms, so `rotated` is exactly `t > 0`.
public struct SteeringTraceRow: Sendable, Equatable, Encodable {
    /// The sequence's index in the batch (its KV-cache slot; 0 for a single generation).
    public var sequence: Int
    /// The position in the sequence, 0-based, chat template included.
    public var position: Int
    /// The block, 0-based; the row is taken at its output `resid_post[block]`.
    public var block: Int
    /// The gate value the rotation applied: the fraction of the angle to μ removed; 0 when not rotated.
    public var t: Float
    /// Whether the kernel rotated the row (t > 0).
    public var rotated: Bool
    /// cos(h, μ) before the rotation; nil where this block does not rotate (an add or unit scaling only), whose
    /// kernel has no μ to compare with.
    public var cos: Float?
    /// ‖h‖ before the rotation (after the block's add and unit scaling, which come first in the kernel); where the
    /// block does not rotate, ‖h‖ after its edits, equal to `normAfter`.
    public var normBefore: Float
    /// ‖h‖ after the rotation.
    public var normAfter: Float

    public init(sequence: Int, position: Int, block: Int, t: Float, rotated: Bool, cos: Float?, normBefore: Float,
                normAfter: Float) {
        self.sequence = sequence; self.position = position; self.block = block; self.t = t; self.rotated = rotated
        self.cos = cos; self.normBefore = normBefore; self.normAfter = normAfter
    }

    enum CodingKeys: String, CodingKey {
        case sequence, position, block, t, rotated, cos
        case normBefore = "norm_before"
        case normAfter = "norm_after"
    }

    /// Every key, `cos` as null where the block does not rotate (a missing key would read as a broken line).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence); try c.encode(position, forKey: .position)
        try c.encode(block, forKey: .block); try c.encode(t, forKey: .t); try c.encode(rotated, forKey: .rotated)
        try c.encode(cos, forKey: .cos)
        try c.encode(normBefore, forKey: .normBefore); try c.encode(normAfter, forKey: .normAfter)
    }
}

/// The trace of every steered pass a `BatchSteering` built with it ran: rows appended after each pass (prefill
/// blocks and decode steps alike), in pass order, then by row of the pass, then by block.
public final class SteeringTrace {
    /// The rows recorded so far.
    public private(set) var rows: [SteeringTraceRow] = []

    /// An empty trace; give it to `BatchSteering(model:sequences:cacheMode:trace:)`.
    public init() {}

    func append(_ new: [SteeringTraceRow]) { rows += new }

    /// Forgets the rows recorded so far (e.g. between runs that share the tables).
    public func removeAll() { rows.removeAll() }

    /// JSON Lines: one object per row with the keys sequence, position, block, t, rotated, cos, norm_before and
    /// norm_after (sorted, so that every line reads the same way). A pass that broke down (steering too strong,
    /// `DegeneratePolicy.stop`) can leave non-finite values, which JSON has no numbers for: they are written as the
    /// strings "inf", "-inf" and "nan", so the trace still shows where it broke.
    public func jsonLines() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var bytes: [UInt8] = []
        for row in rows {
            bytes += try encoder.encode(row)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
