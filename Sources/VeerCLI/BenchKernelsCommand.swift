import ArgumentParser
import KernelCases
import Kernels
import KernelsReference

/// `veer bench kernels`: runs every kernel case on the chosen backends, validates each against the plain f64
/// reference, then times it (warm-up, then the median of several launches: GPU timestamps on Vulkan, the wall clock
/// on the CPU) and prints GFLOP/s, GB/s and the Vulkan/CPU speed ratio. Exits non-zero when any case fails validation or cannot run.
struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Validate every kernel case against the reference, then time it.",
        discussion: """
            The default set uses SmolLM2-135M's shapes; --small runs the parity tests' small, odd shapes instead. \
            Vulkan honours VEER_DEVICE, VEER_VALIDATION, VEER_VK_FORCE_STAGING, VEER_VK_MAX_BINDING_BYTES and \
            VEER_VK_DISABLE.
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var backends: BackendOptions

    @Option(help: "Only cases whose name contains this text.")
    var filter: String?

    @Flag(help: "Run the small test shapes instead of SmolLM2-size ones.")
    var small = false

    @Option(help: "Timed launches per case (the median is reported).")
    var iterations = 15

    @Option(help: "Untimed launches before timing.")
    var warmup = 2

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative, got \(warmup)") }
    }

    func run() throws {
        let cases = (small ? KernelCatalog.small : KernelCatalog.realistic)
            .filter { kernelCase in filter.map { kernelCase.name.contains($0) } ?? true }
        guard !cases.isEmpty else {
            throw ValidationError("no kernel case matches --filter '\(filter ?? "")'")
        }
        let bench = KernelBench(warmup: warmup, iterations: iterations)
        let reference = ReferenceOutputs()
        var records: [BenchRecord] = []

        if backends.backend.includesCPU {
            let cpu = try BackendFactory.cpu()
            Console.note("cpu: \(cpu.name)")
            records += runAll(cases, on: cpu, label: "cpu", bench: bench, reference: reference)
        }
        if backends.backend.includesVulkan {
            do {
                let vulkan = try BackendFactory.vulkan()
                Console.note("vulkan: \(vulkan.name)")
                records += runAll(cases, on: vulkan, label: "vulkan", bench: bench, reference: reference)
            } catch where backends.backend == .all {
                Console.note("vulkan: skipped, \(error)")
            }
        }

        if output.json {
            try Console.json(records)
        } else {
            Console.output(BenchTable(records: records).render())
        }
        let failed = records.filter { !$0.passed }
        if !failed.isEmpty {
            Console.note("\(failed.count) of \(records.count) case runs failed: "
                + failed.map { "\($0.name) on \($0.backend)" }.joined(separator: ", "))
            throw ExitCode.failure
        }
    }

    private func runAll<B: ComputeBackend>(_ cases: [any KernelCase], on backend: B, label: String, bench: KernelBench,
                                           reference: ReferenceOutputs) -> [BenchRecord] {
        cases.enumerated().map { index, kernelCase in
            Console.note("[\(index + 1)/\(cases.count)] \(label) \(kernelCase.name)")
            do {
                let expected = try reference.output(of: kernelCase)
                return bench.run(kernelCase, on: backend, backendLabel: label, expected: expected)
            } catch {
                return BenchRecord(failed: kernelCase, backend: label, error: "the reference failed: \(error)")
            }
        }
    }
}

/// The plain reference's output of each case, computed once and shared by every backend.
final class ReferenceOutputs {
    private let backend = ReferenceBackend()
    private var outputs: [String: CaseOutput] = [:]

    func output(of kernelCase: any KernelCase) throws -> CaseOutput {
        if let cached = outputs[kernelCase.name] { return cached }
        let output = try kernelCase.run(on: backend)
        outputs[kernelCase.name] = output
        return output
    }
}
