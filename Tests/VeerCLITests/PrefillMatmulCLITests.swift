import Foundation
import Testing

/// VEER_VK_PREFILL_MATMUL does what the README says: every prefill matmul kernel gives the model's logits in the same
/// bits (each keeps the matvec's order per element), and an unknown kernel is an error naming the variable and the
/// known kernels.
@Suite("veer: VEER_VK_PREFILL_MATMUL", .enabled(if: GenerateGoldenCLITests.enabled))
struct PrefillMatmulCLITests {
    /// Five prompt tokens: a partial row tile for every kernel (4 rows for tiled, 8 for rows8, 16 for staged).
    static let logits = ["logits", "--backend", "vulkan", "--top", "20", "--json", "The capital of France is"]

    @Test func everyKernelGivesTheSameLogits() throws {
        var outputs: [String: String] = [:]
        for kernel in ["rows8", "tiled", "staged"] {
            let run = try VeerProcess.run(Self.logits, environment: ["VEER_VK_PREFILL_MATMUL": kernel])
            #expect(run.status == 0, "\(kernel): stderr: \(run.stderr)")
            #expect(run.stdout.contains("\"top\""), "\(kernel): stdout: \(run.stdout)")
            outputs[kernel] = run.stdout
        }
        #expect(outputs["tiled"] == outputs["rows8"])
        #expect(outputs["staged"] == outputs["rows8"])
    }

    @Test func anUnknownKernelIsAnErrorNamingIt() throws {
        let result = try VeerProcess.run(Self.logits, environment: ["VEER_VK_PREFILL_MATMUL": "fastest"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("VEER_VK_PREFILL_MATMUL=fastest: expected one of rows8, tiled, staged"),
                "stderr: \(result.stderr)")
    }
}
