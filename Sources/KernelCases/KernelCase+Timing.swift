import Kernels

/// Wall-clock timings of one prepared case: every sample is one launch plus `synchronize()`, so it includes what a
/// caller waiting on one op pays (on Vulkan: recording, submission and the fence).
public struct CaseTiming: Sendable {
    /// Milliseconds per launch, in the order measured.
    public var samplesMs: [Double]

    public var medianMs: Double {
        let sorted = samplesMs.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// `warmup` untimed launches (pipeline creation, JIT, first-touch page faults), then up to `iterations` timed
    /// ones, stopping early once `budgetSeconds` is spent and at least `minimumIterations` were taken.
    public static func measure<B: ComputeBackend>(
        _ prepared: PreparedCase, on backend: B, warmup: Int = 2, iterations: Int = 15, minimumIterations: Int = 3,
        budgetSeconds: Double = 2
    ) throws -> CaseTiming {
        for _ in 0..<warmup {
            try prepared.issue()
            try backend.synchronize()
        }
        let clock = ContinuousClock()
        let start = clock.now
        var samples: [Double] = []
        while samples.count < iterations {
            let begin = clock.now
            try prepared.issue()
            try backend.synchronize()
            samples.append((clock.now - begin).milliseconds)
            if samples.count >= minimumIterations, (clock.now - start).seconds > budgetSeconds { break }
        }
        return CaseTiming(samplesMs: samples)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
    var milliseconds: Double { seconds * 1e3 }
}
