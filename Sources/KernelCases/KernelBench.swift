import Kernels

/// One row of `veer bench kernels`: a case on a backend, validated against the reference, then timed.
/// JSON keys (snake_case): name, backend, kernel, nmse, max_abs, tolerance, tolerance_class, passed, median_ms,
/// gflops, gbps, clock ("device": GPU timestamps, "wall": the wall clock) and error when the case could not run. Non-finite numbers, and timings of a case that did not run,
/// are JSON null.
public struct BenchRecord: Sendable, Encodable {
    public var name: String
    public var backend: String
    public var kernel: String
    public var nmse: Double
    public var maxAbs: Double
    /// The NMSE ceiling of the case's tolerance class.
    public var tolerance: Double
    public var toleranceClass: String
    public var passed: Bool
    public var medianMs: Double?
    public var gflops: Double?
    public var gbps: Double?
    /// What timed it: "device" (the backend's own clock, GPU timestamps on Vulkan) or "wall".
    public var clock: String?
    /// Why the case failed: a comparison failure or the error the backend threw.
    public var error: String?

    /// A record for a case that did not run, with the reason.
    public init(failed kernelCase: any KernelCase, backend: String, error: String) {
        name = kernelCase.name
        self.backend = backend
        kernel = kernelCase.kernel.rawValue
        nmse = .infinity
        maxAbs = .infinity
        tolerance = kernelCase.tolerance.nmseCeiling
        toleranceClass = kernelCase.tolerance.rawValue
        passed = false
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case name, backend, kernel, nmse, tolerance, passed, gflops, gbps, clock, error
        case maxAbs = "max_abs", toleranceClass = "tolerance_class", medianMs = "median_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func number(_ value: Double?, _ key: CodingKeys) throws {
            if let value, value.isFinite { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
        try c.encode(name, forKey: .name)
        try c.encode(backend, forKey: .backend)
        try c.encode(kernel, forKey: .kernel)
        try number(nmse, .nmse)
        try number(maxAbs, .maxAbs)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(toleranceClass, forKey: .toleranceClass)
        try c.encode(passed, forKey: .passed)
        try number(medianMs, .medianMs)
        try number(gflops, .gflops)
        try number(gbps, .gbps)
        try c.encodeIfPresent(clock, forKey: .clock)
        try c.encodeIfPresent(error, forKey: .error)
    }
}

/// Validates, then times, kernel cases on one backend (llm.c's habit: check against the reference, then time).
public struct KernelBench: Sendable {
    public var warmup: Int
    public var iterations: Int
    public var budgetSeconds: Double

    public init(warmup: Int = 2, iterations: Int = 15, budgetSeconds: Double = 2) {
        self.warmup = warmup; self.iterations = iterations; self.budgetSeconds = budgetSeconds
    }

    /// Runs `kernelCase` once on `backend` and compares with `expected` (the reference's output of the same case),
    /// then times further launches. A case that throws becomes a failed record carrying the error's text.
    public func run<B: ComputeBackend>(_ kernelCase: any KernelCase, on backend: B, backendLabel: String,
                                       expected: CaseOutput) -> BenchRecord {
        var record = BenchRecord(failed: kernelCase, backend: backendLabel, error: "")
        do {
            let prepared = try kernelCase.prepare(on: backend)
            try prepared.issue()
            let result = kernelCase.compare(try prepared.readOutputs(), reference: expected)
            record.nmse = result.nmse
            record.maxAbs = result.maxAbs
            record.passed = result.passed
            record.error = result.failure
            let timing = try CaseTiming.measure(prepared, on: backend, warmup: warmup, iterations: iterations,
                                                budgetSeconds: budgetSeconds)
            let seconds = timing.medianMs / 1e3
            record.medianMs = timing.medianMs
            record.clock = timing.clock
            record.gflops = kernelCase.flops > 0 ? kernelCase.flops / seconds / 1e9 : nil
            record.gbps = kernelCase.bytes / seconds / 1e9
        } catch {
            record.passed = false
            record.error = "\(error)"
        }
        return record
    }
}
