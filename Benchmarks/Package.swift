// swift-tools-version: 6.1
// Veer's micro-benchmarks, on ordo-one/benchmark: `cd Benchmarks && swift package benchmark` (see README.md).
// A separate package so the root package, and everyone who depends on it, never resolves the benchmark tooling.
import PackageDescription

let package = Package(
    name: "VeerBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The root package by path. `name:` fixes its identity: by default it would be the checkout's folder name.
        .package(name: "Veer", path: ".."),
        // Only the malloc interposer trait: the default traits also pull in a runtime interposer that is not needed
        // for wall-clock timings.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What `veer bench kernels` times: KernelCatalog's SmolLM2-size cases (decode and prefill shapes) on the CPU
        // backend and, where a Vulkan device is present, on Vulkan; each validated against the reference first.
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernels", package: "Veer"),
                .product(name: "KernelCases", package: "Veer"),
                .product(name: "KernelsReference", package: "Veer"),
                .product(name: "KernelsCPU", package: "Veer"),
                .product(name: "KernelsVulkan", package: "Veer"),
                .product(name: "VulkanRuntime", package: "Veer"),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
