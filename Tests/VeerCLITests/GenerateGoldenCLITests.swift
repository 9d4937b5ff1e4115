import Foundation
import Testing
import TestSupport

/// `veer generate --temperature 0 --ignore-eos` on the default model follows llama.cpp's F32 greedy tokens up to the
/// first near-tie (golden top-1 margin below 0.1). Release builds only, like the other whole-model tests.
@Suite("veer generate against the F32 golden")
struct GenerateGoldenCLITests {
    struct Output: Decodable { var prompt_tokens: [Int32]; var tokens: [Int32] }

    /// The whole-model CLI tests run where the model tests do: release builds with the default model present.
    static var enabled: Bool { ModelFixture.enabled }

    @Test(.enabled(if: enabled), arguments: ["P1", "P3"])
    func greedyFollowsTheGolden(_ id: String) throws {
        let golden = try ModelGoldens.prompt(id)
        let result = try VeerProcess.run(["generate", "--backend", "cpu", "--temperature", "0", "--ignore-eos",
                                          "--max-tokens", "32", "--json", golden.text])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.prompt_tokens == golden.tokens)
        let reference = golden.reference_f32_weights
        let firstTie = reference.greedy_top1_margins.firstIndex { $0 < 0.1 } ?? reference.greedy_tokens.count
        #expect(Array(output.tokens.prefix(firstTie)) == Array(reference.greedy_tokens.prefix(firstTie)),
                "\(id): diverged before the first near-tie at step \(firstTie)")
    }
}
