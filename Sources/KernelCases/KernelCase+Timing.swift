import Kernels

/// Timings of one prepared case, one sample per launch: the device's own clock where the backend has one (Vulkan:
/// GPU timestamps around the case's dispatches, so recording, submission and the fence are not counted), else the
/// wall clock around the launch and its completion (the CPU backends, whose ops run as they are issued).
public struct CaseTiming: Sendable {
    /// Milliseconds per launch, in the order measured.
    public var samplesMs: [Double]
    /// "device" (the backend's own clock) or "wall".
    public var clock: String

    public var medianMs: Double { median(samplesMs) }

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
        var onDevice = true
        while samples.count < iterations {
            let begin = clock.now
            let device = try backend.deviceMilliseconds { try prepared.issue() }
            onDevice = onDevice && device != nil
            samples.append(device ?? (clock.now - begin).milliseconds)
            if samples.count >= minimumIterations, (clock.now - start).seconds > budgetSeconds { break }
        }
        return CaseTiming(samplesMs: samples, clock: onDevice ? "device" : "wall")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
    var milliseconds: Double { seconds * 1e3 }
}

/// The median of timing samples: the middle value, or the mean of the two middle ones for an even count; NaN for
/// none. Every benchmark in the project reports it.
public func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
