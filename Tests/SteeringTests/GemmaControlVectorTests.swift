import Foundation
import GGUF
import KernelsCPU
import Llama
import Steering
import Testing
import TestSupport

/// The control vector llama-cvector-generator made on Gemma 3 270M (Tests/Goldens/arch/cvector-gemma3-happy.json),
/// applied by Veer as llama.cpp applies it (direction.N × scale added to block N's output, resid_post, after the
/// post-FFN norm and the residual add): steered logits against llama.cpp's (exact-GELU build, F32 weights), and the
/// vector refused on a model it was not made for. Release builds only (the whole Gemma network).
@Suite("Gemma 3 control vector", .serialized, .enabled(if: ModelFixture.isRelease))
struct GemmaControlVectorTests {
    struct Goldens: Decodable {
        struct Prompt: Decodable { var id: String; var tokens: [Int32] }
        struct RunPrompt: Decodable { var id: String; var runs: [String: ArchGoldens.Run] }
        struct Run: Decodable {
            var scale: Float
            var layer_range: [Int]
            var prompts: [RunPrompt]
        }
        var prompts: [Prompt]
        var runs: [Run]
    }

    static let fileName = "arch/gemma3-270m-cvector.json"

    @Test func steeredLogitsMatchLlamaCpp() throws {
        guard let path = try TestFileLocations.gemmaModelOrSkip() else { return }
        let goldens = try GoldenFile.decode(Goldens.self, from: Self.fileName)
        let vector = try SteeringVector.load(path: GoldenFile.vectorFile("arch/cvector-gemma3-happy.gguf"))
        let model = try LlamaModel(source: try GGUFFile(path: path), backend: CPUBackend(), contextSize: 64, maxRows: 48)
        for run in goldens.runs {
            let layers = LayerSelection(range: run.layer_range[0]...run.layer_range[1])
            for prompt in run.prompts {
                let tokens = try GoldenFile.entry(goldens.prompts.first { $0.id == prompt.id }?.tokens, in: Self.fileName,
                                                  named: "prompt \(prompt.id)")
                let reference = try GoldenFile.entry(prompt.runs["f32_exact_gelu"], in: Self.fileName,
                                                     named: "run f32_exact_gelu of \(prompt.id) at scale \(run.scale)")
                let worst = try SteeredChecks.teacherForced(
                    model, prompt: tokens, greedy: reference.greedy_tokens, margins: reference.greedy_top1_margins,
                    top20: reference.top20, steering: { span in
                        try SequenceSteering.additive([(vector, run.scale)], layers: layers, span: span)
                    }, nearTie: 0.01, context: "gemma cvector \(prompt.id) scale \(run.scale) blocks \(run.layer_range)")
                print("[cpu] gemma cvector \(prompt.id) scale \(run.scale) blocks \(run.layer_range): max |logit - llama.cpp F32| over the shared top-20 = \(worst)")
            }
        }
    }
}
