/// How requests share the KV-cache slots: each continuation of a wave gets its own slot, the request's prompt is
/// prefilled once in its first slot and copied into the others, and a wave's continuations run as one batch.
struct SlotPlan: Equatable {
    /// Part of one request in a wave: continuations `continuations` in slots `baseSlot`, `baseSlot + 1`, ...
    struct Placement: Equatable {
        var request: Int
        var continuations: Range<Int>
        var baseSlot: Int
        /// Whether this wave prefills the prompt in `baseSlot`; a request with more continuations than slots keeps
        /// its prompt in slot 0 across waves (its options only write positions from P-1 on).
        var prefills: Bool
    }

    /// The waves, in request order.
    var waves: [[Placement]]

    /// Packs whole requests into waves of at most `slots` continuations, in order; a request with more
    /// continuations than slots runs alone, `slots` continuations per wave.
    init(continuationCounts counts: [Int], slots: Int) {
        precondition(slots >= 1)
        var waves: [[Placement]] = []
        var current: [Placement] = [], used = 0
        for (request, count) in counts.enumerated() where count > 0 {
            if count > slots {
                if !current.isEmpty { waves.append(current); current = []; used = 0 }
                for start in stride(from: 0, to: count, by: slots) {
                    waves.append([Placement(request: request, continuations: start..<min(count, start + slots),
                                            baseSlot: 0, prefills: start == 0)])
                }
                continue
            }
            if used + count > slots { waves.append(current); current = []; used = 0 }
            current.append(Placement(request: request, continuations: 0..<count, baseSlot: used, prefills: true))
            used += count
        }
        if !current.isEmpty { waves.append(current) }
        self.waves = waves
    }
}
