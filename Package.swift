// swift-tools-version: 6.0
// Veer: run and steer Llama-family models on any GPU through Vulkan compute shaders.
//
// Targets follow docs/architecture.md; dependencies point one way:
//   VulkanRuntime <- KernelsVulkan -> Kernels <- KernelsCPU, Kernels <- KernelsReference
// Only VeerCLI (and tests/benchmarks) names a concrete backend.
import Foundation
import PackageDescription

/// Host-CPU code generation. At swiftc's baseline (x86-64/SSE2) every SIMD fused multiply-add is a library call per
/// lane (`fmaf@PLT`); `-target-cpu native` makes it one instruction. `VEER_PORTABLE=1` drops it: a baseline build for
/// distribution, and the form in which Veer can be a SwiftPM dependency (SwiftPM refuses unsafe flags there); it
/// defines VEER_PORTABLE, which makes the CPU kernels multiply then add instead of calling fmaf per lane.
let portable = ProcessInfo.processInfo.environment["VEER_PORTABLE"] == "1"
let codegen: [SwiftSetting] = portable ? [.define("VEER_PORTABLE")] : [.unsafeFlags(["-target-cpu", "native"])]
let swiftSettings: [SwiftSetting] = codegen

let package = Package(
    name: "Veer",
    // Veer runs on Linux first: x86-64 Debian 12 is what CI tests, with Swift 6 and a Vulkan 1.2 driver (or none: the
    // CPU backend). SwiftPM's `platforms` can only name Apple platforms, and Linux needs no entry; the macOS 15 floor
    // is what the Synchronization module (Mutex) needs there. Veer is not tested on macOS.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "veer", targets: ["VeerCLI"]),
        // For Swift users: read GGUF files, tokenize, run Llama-family models and make and apply steering vectors.
        // Each has a DocC catalog (Sources/NAME/NAME.docc): `swift package generate-documentation --target NAME`.
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "Llama", targets: ["Llama"]),
        .library(name: "Steering", targets: ["Steering"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Serving", targets: ["Serving"]),
        .library(name: "Kernels", targets: ["Kernels"]),
        .library(name: "KernelsReference", targets: ["KernelsReference"]),
        .library(name: "KernelsCPU", targets: ["KernelsCPU"]),
        .library(name: "KernelsVulkan", targets: ["KernelsVulkan"]),
        .library(name: "VulkanRuntime", targets: ["VulkanRuntime"]),
        .library(name: "KernelCases", targets: ["KernelCases"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // `swift package generate-documentation` (DocC); a plugin only, nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // `veer serve`: the HTTP server, its lifecycle (SIGTERM drain), logging and Prometheus metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        // Tests only: the deploy/ manifests are parsed as YAML.
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The Vulkan C headers and loader (pkg-config vulkan; Debian: libvulkan-dev).
        .systemLibrary(name: "CVulkan", pkgConfig: "vulkan", providers: [.apt(["libvulkan-dev"])]),
        // One push-constant struct per kernel, included by the GLSL shaders and by Swift: one source of truth.
        .target(name: "KernelABI"),
        .target(name: "VulkanRuntime", dependencies: ["CVulkan"], swiftSettings: swiftSettings),
        .target(name: "Kernels", dependencies: ["KernelABI"], swiftSettings: swiftSettings),
        .target(name: "KernelsReference", dependencies: ["Kernels"], swiftSettings: swiftSettings),
        // The integer kernels of `--precision q8` (quantized weights × 8-bit activations), C with ISA variants chosen
        // at run time, so the portable build runs them too.
        .target(name: "CPUQuantDot", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "KernelsCPU", dependencies: ["Kernels", "CPUQuantDot"], swiftSettings: swiftSettings),
        .target(
            name: "KernelsVulkan",
            dependencies: ["Kernels", "KernelABI", "VulkanRuntime"],
            swiftSettings: swiftSettings,
            plugins: ["GLSLCompilerPlugin"]),
        .target(
            name: "ModelStore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(name: "Llama", dependencies: ["Kernels", "KernelABI", "GGUF"], swiftSettings: swiftSettings),
        // GGUF reads model files (and writes small ones); it needs Kernels only for DType.
        .target(name: "GGUF", dependencies: ["Kernels"], swiftSettings: swiftSettings),
        .target(name: "Tokenizers", dependencies: ["GGUF"], swiftSettings: swiftSettings),
        // How steering vectors are made, stored and applied: vector files (llama.cpp control-vector compatible),
        // activation capture, direction extraction, position policies, the tables the fused residual op reads.
        .target(
            name: "Steering",
            dependencies: ["Llama", "GGUF", "Kernels", "KernelABI", "Tokenizers", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // Multiple-choice evaluation on pinned protocols (tasks, data files, metrics) and the scorer that runs
        // them with prefix reuse across KV-cache slots, steered or not.
        .target(
            name: "Evaluation",
            dependencies: ["Llama", "Steering", "Tokenizers", "Kernels", "GGUF", "ModelStore"],
            swiftSettings: swiftSettings),
        // Steering analyses: strength sweeps and preference/utility curves measured on a model, the closed forms of
        // the papers' models, the fits, and the reports' SVG charts and HTML (also used by `veer bench generate`).
        .target(
            name: "Analysis",
            dependencies: ["Llama", "Steering", "Evaluation", "Tokenizers", "Kernels", "GGUF"],
            swiftSettings: swiftSettings),
        // The serving engine: continuous batching of completion requests over KV-cache slots, each with its own
        // sampling and steering; the steering registry requests name vectors from. No HTTP here.
        .target(
            name: "Serving",
            dependencies: ["Llama", "Steering", "Tokenizers", "Kernels", "GGUF"],
            swiftSettings: swiftSettings),
        // `veer serve`'s HTTP side: OpenAI-compatible routes, server-sent events, errors, auth, metrics, the
        // playground page and the graceful drain, over any `CompletionEngine`.
        .target(
            name: "VeerServer",
            dependencies: [
                "Serving", "Steering", "Tokenizers", "Llama",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "KernelCases", dependencies: ["Kernels", "KernelsReference"], swiftSettings: swiftSettings),
        .target(
            name: "TestSupport",
            dependencies: ["Kernels", "KernelCases", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "Llama", "GGUF", "ModelStore"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "VeerCLI",
            dependencies: [
                "Llama", "Steering", "Evaluation", "Analysis", "GGUF", "Tokenizers", "ModelStore", "Serving", "VeerServer",
                "Kernels", "KernelsCPU", "KernelsVulkan", "KernelsReference", "KernelCases", "VulkanRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        // Build tooling: GLSL -> SPIR-V (glslc) -> Swift source embedding the words, so a copied binary still runs.
        .executableTarget(name: "spv2swift", path: "Sources/spv2swift"),
        .plugin(name: "GLSLCompilerPlugin", capability: .buildTool(), dependencies: ["spv2swift"]),

        .testTarget(
            name: "VulkanRuntimeTests", dependencies: ["VulkanRuntime", "TestSupport"],
            exclude: ["Shaders"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KernelsReferenceTests",
            dependencies: ["KernelsReference", "Kernels", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KernelsCPUTests",
            dependencies: ["KernelsCPU", "KernelsReference", "KernelCases", "TestSupport", "CPUQuantDot"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KernelParityTests",
            dependencies: ["KernelsCPU", "KernelsVulkan", "KernelsReference", "KernelCases", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GGUFTests", dependencies: ["GGUF", "Kernels", "TestSupport"], exclude: ["FuzzCorpus"], swiftSettings: swiftSettings),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "GGUF", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LlamaTests",
            dependencies: ["Llama", "GGUF", "Kernels", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SteeringTests",
            dependencies: ["Steering", "Llama", "GGUF", "Tokenizers", "Kernels", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AnalysisTests",
            dependencies: ["Analysis", "Evaluation", "Steering", "Llama", "Tokenizers", "Kernels", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["Evaluation", "Steering", "Llama", "Tokenizers", "Kernels", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ServingTests",
            dependencies: ["Serving", "Steering", "Llama", "Tokenizers", "Kernels", "KernelsCPU", "KernelsVulkan", "VulkanRuntime", "TestSupport", "GGUF"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VeerServerTests",
            dependencies: [
                "VeerServer", "Serving", "Steering", "Llama", "Tokenizers", "TestSupport", "GGUF",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VeerCLITests", dependencies: ["VeerCLI", "TestSupport", "GGUF", "ModelStore", "Kernels", "KernelsReference", .product(name: "Yams", package: "Yams")], exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
    ]
)
