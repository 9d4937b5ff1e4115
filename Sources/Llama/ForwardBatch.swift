/// One forward pass over rows of one or more independent sequences. Row r is token tokens[r] of the sequence held
/// in KV-cache slot slots[r], at position positions[r] of that sequence. A prefill block of one sequence is rows with
/// consecutive positions in one slot; a decode step of n sequences is n rows, one per slot. Within a slot, rows come
/// in increasing position order and every earlier position of the slot is already in the cache or in this batch.
public struct ForwardBatch: Sendable, Equatable {
    /// [rows] the token id of each row.
    public var tokens: [Int32]
    /// [rows] the KV-cache slot (sequence) of each row.
    public var slots: [Int32]
    /// [rows] each row's position in its sequence.
    public var positions: [Int32]
    /// Rows whose logits are wanted (e.g. the last row of each sequence), in the order the logits come back.
    public var logitRows: [Int]

    /// A batch; `validate` checks the placement rules above.
    public init(tokens: [Int32], slots: [Int32], positions: [Int32], logitRows: [Int]) {
        self.tokens = tokens; self.slots = slots; self.positions = positions; self.logitRows = logitRows
    }

    /// A prompt of one sequence as one block: positions start..<start+count in `slot`; logits for the last row, or
    /// for every row with `allLogits`.
    public static func prefill(_ tokens: [Int32], slot: Int32 = 0, start: Int32 = 0, allLogits: Bool = false) -> ForwardBatch {
        let n = tokens.count
        return ForwardBatch(tokens: tokens, slots: [Int32](repeating: slot, count: n),
                            positions: (0..<n).map { start + Int32($0) },
                            logitRows: allLogits ? Array(0..<n) : (n > 0 ? [n - 1] : []))
    }

    /// Several prompts, each in its own slot (0, 1, ...), in one block; logits for each prompt's last row.
    public static func prefill(batch prompts: [[Int32]]) -> ForwardBatch {
        var batch = ForwardBatch(tokens: [], slots: [], positions: [], logitRows: [])
        for (slot, prompt) in prompts.enumerated() {
            batch.tokens += prompt
            batch.slots += [Int32](repeating: Int32(slot), count: prompt.count)
            batch.positions += (0..<prompt.count).map(Int32.init)
            batch.logitRows.append(batch.tokens.count - 1)
        }
        return batch
    }

    /// The number of rows.
    public var rows: Int { tokens.count }
}
