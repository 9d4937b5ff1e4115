import Benchmark
import Foundation
import KernelCases
import Kernels
import KernelsCPU
import KernelsReference
import KernelsVulkan
import VulkanRuntime

/// Every SmolLM2-size kernel case (`KernelCatalog.realistic`: decode rows of 1, prefill rows of 64) as one benchmark
/// per backend, named `<backend>/<case>`, plus the memory bandwidth probe that bounds decode speed. Each case is
/// checked against the plain reference once, in its setup, before it is timed: a wrong kernel fails its benchmark
/// instead of reporting a speed. One sample is one launch plus `synchronize()`, as `veer bench kernels` times it.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], timeUnits: .microseconds, warmupIterations: 2,
        maxDuration: .seconds(1), maxIterations: 200)

    let cpu = CPUBackend()
    registerCases(on: cpu, label: "cpu")
    do {
        registerCases(on: try VulkanBackend(options: try VulkanOptions.fromEnvironment()), label: "vulkan")
    } catch {
        // Machines without a Vulkan device still benchmark the CPU; say why the Vulkan half is missing.
        FileHandle.standardError.write(Data("KernelBenchmarks: no vulkan benchmarks: \(error)\n".utf8))
    }
    registerBandwidth(threads: cpu.threads)
}

/// One benchmark per realistic case on `backend`.
func registerCases<B: ComputeBackend>(on backend: B, label: String) {
    for kernelCase in KernelCatalog.realistic {
        Benchmark("\(label)/\(kernelCase.name)") { benchmark, prepared in
            for _ in benchmark.scaledIterations {
                try prepared.issue()
                try backend.synchronize()
            }
        } setup: {
            try kernelCase.prepareValidated(on: backend, reference: try kernelCase.run(on: ReferenceBackend()))
        }
    }
}

/// STREAM-style bandwidth on the kernels' thread count, 3 × 128 MiB; the read-only rate is the decode bound.
/// Recorded as custom metrics in MB/s (metrics are integers).
func registerBandwidth(threads: Int) {
    let metrics: [(String, KeyPath<BandwidthReport, Double>)] = [
        ("read MB/s", \.readGBps), ("copy MB/s", \.copyGBps), ("scale MB/s", \.scaleGBps),
        ("add MB/s", \.addGBps), ("triad MB/s", \.triadGBps),
    ]
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock] + metrics.map { .custom($0.0, polarity: .prefersLarger, useScalingFactor: false) },
        timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 3)
    Benchmark("memory/bandwidth_3x128MiB", configuration: configuration) { benchmark in
        let report = BandwidthProbe.measure(threads: threads, megabytesPerArray: 128, repetitions: 3)
        for (name, path) in metrics {
            benchmark.measurement(.custom(name, polarity: .prefersLarger, useScalingFactor: false),
                                  Int((report[keyPath: path] * 1e3).rounded()))
        }
    }
}
