import Foundation
import Testing

/// VEER_VK_MAX_BINDING_BYTES does what the README says: at its minimum the model runs on Vulkan with its weights
/// split and gives the same greedy text (it used to fail below about 1.5 MB, where the 2048-token KV cache of one
/// block no longer fit the lowered limit); below the minimum it is an error naming the variable and the minimum.
@Suite("veer: VEER_VK_MAX_BINDING_BYTES", .enabled(if: GenerateGoldenCLITests.enabled))
struct BindingLimitCLITests {
    static let generate = ["generate", "--backend", "vulkan", "--ctx-size", "2048", "--temperature", "0", "--ignore-eos",
                           "--max-tokens", "4", "--json", "The capital of France is"]

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VK_DRIVER_FILES"] == nil))
    func theMinimumSplitsAndGivesTheSameText() throws {
        let whole = try VeerProcess.run(Self.generate)
        #expect(whole.status == 0, "stderr: \(whole.stderr)")
        let split = try VeerProcess.run(Self.generate, environment: ["VEER_VK_MAX_BINDING_BYTES": "65536"])
        #expect(split.status == 0, "stderr: \(split.stderr)")
        let text = { (run: VeerProcess) in (try? run.json() as? [String: Any])?["text"] as? String }
        #expect(text(split) != nil && text(split) == text(whole))
    }

    @Test func belowTheMinimumIsAnErrorNamingIt() throws {
        let result = try VeerProcess.run(Self.generate, environment: ["VEER_VK_MAX_BINDING_BYTES": "4096"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(
            "VEER_VK_MAX_BINDING_BYTES=4096: expected a byte count of at least 65536 (the documented minimum: one split "
                + "run must hold a whole weight row)"), "stderr: \(result.stderr)")
    }
}
