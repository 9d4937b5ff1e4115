import ArgumentParser

/// Output format shared by every command: with --json, stdout carries exactly one JSON document and everything else
/// (progress, device notes, logs) goes to stderr.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout (progress and notes go to stderr).")
    var json = false
}

/// Which compute backend(s) a command uses. The CLI is the only place that names a concrete backend.
enum BackendChoice: String, CaseIterable, ExpressibleByArgument {
    case cpu, vulkan, all

    var includesCPU: Bool { self != .vulkan }
    var includesVulkan: Bool { self != .cpu }
}

struct BackendOptions: ParsableArguments {
    @Option(help: "Backend to use: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .all
}
